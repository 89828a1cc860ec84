import type { ThreadConfig } from "../../supervision/turn-job.js";
import type { ThreadOptions } from "../../types/options.js";
import type { ParamsOf } from "./methods.js";
import type { v2 } from "./protocol/index.js";
import type { JsonValue } from "./protocol/serde_json/JsonValue.js";

type ThreadParams = ParamsOf<"thread/start"> & ParamsOf<"thread/resume">;

/**
 * `thread/start` / `thread/resume` params for a thread's options: the same settings `codex exec`
 * gets as flags and `--config` overrides, as the app-server takes them. Without `approvalPolicy`,
 * a thread no `onApproval` handler answers for (`answered` false) is never asked, as `codex exec`
 * runs; with a handler the server's own default (`on-request`) applies.
 */
export function threadParamsOf(
  thread: ThreadOptions,
  answered: boolean,
  threadConfig: ThreadConfig | null = null,
): Omit<ThreadParams, "threadId"> {
  const approvalPolicy = thread.approvalPolicy ?? (answered ? undefined : "never");
  const config: Record<string, JsonValue> = { ...(threadConfig as Record<string, JsonValue>) };
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
    ...(approvalPolicy ? { approvalPolicy: approvalPolicy as v2.AskForApproval } : {}),
    ...(Object.keys(config).length > 0 ? { config } : {}),
  };
}

/** `turn/start` input for a turn's prompt and images: the images first, as `codex exec` sends them. */
export function turnInputOf(prompt: string, images: string[]): v2.UserInput[] {
  return [
    ...images.map((path): v2.UserInput => ({ type: "localImage", path })),
    { type: "text", text: prompt, text_elements: [] },
  ];
}
