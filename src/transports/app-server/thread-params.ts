import type { ThreadOptions } from "../../types/options.js";
import type { ParamsOf } from "./methods.js";
import type { v2 } from "./protocol/index.js";
import type { JsonValue } from "./protocol/serde_json/JsonValue.js";

type ThreadParams = ParamsOf<"thread/start"> & ParamsOf<"thread/resume">;

/**
 * `thread/start` / `thread/resume` params for a thread's options: the same settings `codex exec`
 * gets as flags and `--config` overrides, as the app-server takes them.
 */
export function threadParamsOf(thread: ThreadOptions): Omit<ThreadParams, "threadId"> {
  const config: Record<string, JsonValue> = {};
  if (thread.modelReasoningEffort) config.model_reasoning_effort = thread.modelReasoningEffort;
  if (thread.networkAccessEnabled !== undefined)
    config["sandbox_workspace_write.network_access"] = thread.networkAccessEnabled;
  const webSearch =
    thread.webSearchMode ??
    (thread.webSearchEnabled === undefined
      ? undefined
      : thread.webSearchEnabled
        ? "live"
        : "disabled");
  if (webSearch) config.web_search = webSearch;
  if (thread.additionalDirectories?.length)
    config["sandbox_workspace_write.writable_roots"] = thread.additionalDirectories;
  return {
    ...(thread.model ? { model: thread.model } : {}),
    ...(thread.workingDirectory ? { cwd: thread.workingDirectory } : {}),
    ...(thread.sandboxMode ? { sandbox: thread.sandboxMode } : {}),
    ...(thread.approvalPolicy
      ? { approvalPolicy: thread.approvalPolicy as v2.AskForApproval }
      : {}),
    ...(Object.keys(config).length > 0 ? { config } : {}),
  };
}

/** `turn/start` input for a turn's prompt and images. */
export function turnInputOf(prompt: string, images: string[]): v2.UserInput[] {
  return [
    { type: "text", text: prompt, text_elements: [] },
    ...images.map((path): v2.UserInput => ({ type: "localImage", path })),
  ];
}
