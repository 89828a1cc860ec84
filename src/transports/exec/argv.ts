import { checkThreadId } from "../../option-values.js";
import { toTomlValue } from "../../process/toml-config.js";
import type { ThreadConfig } from "../../supervision/turn-job.js";
import type { ThreadOptions, TurnOptions } from "../../types/options.js";

/** Everything that decides the argv of one turn. */
export type ExecArgs = {
  /** The `--config` flags every turn of a `Codex` shares (see `globalConfigFlags`). */
  globalFlags: readonly string[];
  thread: ThreadOptions;
  turn: Pick<TurnOptions, "cyberAccessProgram">;
  /** The thread to resume, or null for a new thread. */
  threadId: string | null;
  images: string[];
  outputSchemaPath?: string;
  /** The thread's own config (where its tools are served), as `--config` overrides. */
  threadConfig?: ThreadConfig | null;
};

/**
 * Builds `codex exec` arguments exactly as the official SDK orders them: global config, then
 * per-thread flags, then `resume <id>`, then images. Never holds a secret: the key goes in env.
 */
export function buildExecArgv(args: ExecArgs): string[] {
  const { thread, turn, threadId } = args;
  const argv = ["exec", "--experimental-json", ...args.globalFlags];
  const config = (override: string) => argv.push("--config", override);
  const flag = (name: string, value: string | undefined) => {
    if (value !== undefined) argv.push(name, value);
  };

  flag("--model", thread.model || undefined);
  if (threadId === null) flag("--thread-source", thread.threadSource);
  flag("--sandbox", thread.sandboxMode || undefined);
  flag("--cd", thread.workingDirectory || undefined);
  thread.additionalDirectories?.forEach((dir) => flag("--add-dir", dir));
  if (thread.skipGitRepoCheck) argv.push("--skip-git-repo-check");
  flag("--output-schema", args.outputSchemaPath);
  flag("--cyber-access-program", turn.cyberAccessProgram);
  if (thread.modelReasoningEffort) {
    config(`model_reasoning_effort=${JSON.stringify(thread.modelReasoningEffort)}`);
  }
  if (thread.networkAccessEnabled !== undefined) {
    config(`sandbox_workspace_write.network_access=${thread.networkAccessEnabled}`);
  }
  const webSearch = thread.webSearchMode ?? webSearchFromFlag(thread.webSearchEnabled);
  if (webSearch) config(`web_search=${JSON.stringify(webSearch)}`);
  if (thread.approvalPolicy) config(`approval_policy=${JSON.stringify(thread.approvalPolicy)}`);
  for (const [key, value] of Object.entries(args.threadConfig ?? {}))
    config(`${key}=${toTomlValue(value, key)}`);
  if (threadId !== null) argv.push("resume", checkThreadId(threadId));
  args.images.forEach((image) => flag("--image", image));
  return argv;
}

function webSearchFromFlag(enabled: boolean | undefined): string | undefined {
  if (enabled === undefined) return undefined;
  return enabled ? "live" : "disabled";
}
