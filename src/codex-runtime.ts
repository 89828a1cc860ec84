import { globalConfigFlags } from "./cli/toml-config.js";
import { ChildEnvSource } from "./cli/child-env.js";
import { locateCodexBinary, type CodexBinary } from "./cli/codex-binary.js";
import { resolvePolicy } from "./supervision/policy.js";
import type { ThreadSettings } from "./supervision/turn-job.js";
import { DEFAULT_STALLED_STREAM_WARNING_MS } from "./turn/stalled-stream.js";
import type { CodexOptions, ThreadOptions } from "./types/options.js";

/**
 * What one `Codex` gives all its threads: config flags checked once at construction, and the
 * binary, located on the first turn (so a missing one rejects that turn, typed).
 */
export class CodexRuntime {
  private readonly globalFlags: readonly string[];
  private readonly envSource: ChildEnvSource;
  private located?: CodexBinary;
  /** How long a turn waits behind a stream nobody reads before it warns (`false`: never). */
  readonly stalledStreamWarningMs: number | false;

  constructor(private readonly options: CodexOptions) {
    this.globalFlags = globalConfigFlags(options);
    this.envSource = new ChildEnvSource(options.env, options.apiKey);
    this.stalledStreamWarningMs =
      options.stalledStreamWarningMs ?? DEFAULT_STALLED_STREAM_WARNING_MS;
  }

  /** The binary every turn runs; throws `CodexNotFoundError` when there is none. */
  binary(): CodexBinary {
    this.located ??= locateCodexBinary(this.options.codexPathOverride);
    return this.located;
  }

  /** The settings of a thread with these options. */
  threadSettings(thread: ThreadOptions): ThreadSettings {
    return {
      globalFlags: this.globalFlags,
      envSource: this.envSource,
      thread,
      policy: resolvePolicy(this.options.supervision, thread.supervision),
      killGraceMs: this.options.killGraceMs,
    };
  }
}
