import { globalConfigFlags } from "./process/toml-config.js";
import { ChildEnvSource } from "./process/child-env.js";
import { locateCodexBinary, type CodexBinary } from "./process/codex-binary.js";
import { systemClock } from "./supervision/clock.js";
import { OpenTurns } from "./supervision/open-turns.js";
import { DEFAULT_POLICY, resolvePolicy } from "./supervision/policy.js";
import type { ThreadSettings } from "./supervision/turn-job.js";
import { DEFAULT_STALLED_STREAM_WARNING_MS } from "./turn/stalled-stream.js";
import {
  DEFAULT_APPROVAL_TIMEOUT_MS,
  type ApprovalSettings,
} from "./transports/app-server/approval-decision.js";
import type { AppServerThreadSettings } from "./transports/app-server/app-server-transport.js";
import { AppServerLink } from "./transports/app-server/server-link.js";
import type { ServerInput } from "./transports/app-server/server.machine.js";
import { UnsupportedError } from "./types/app-server-errors.js";
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
  /** Where turns meet the app-server, on that transport. */
  readonly link: AppServerLink | null;
  /** The turns not settled yet. */
  readonly openTurns = new OpenTurns();

  constructor(readonly options: CodexOptions) {
    this.globalFlags = globalConfigFlags(options);
    this.envSource = new ChildEnvSource(options.env, options.apiKey);
    this.stalledStreamWarningMs =
      options.stalledStreamWarningMs ?? DEFAULT_STALLED_STREAM_WARNING_MS;
    this.link = options.transport === "app-server" ? new AppServerLink() : null;
  }

  /** The app-server link, for `feature`; throws `UnsupportedError` on the exec transport. */
  serverLink(feature: string): AppServerLink {
    if (!this.link) throw new UnsupportedError(feature, "app-server");
    return this.link;
  }

  /**
   * The input of the app-server actor, on that transport. Its restart intensity is the Codex's
   * policy's (the defaults under `supervision: false`: a server is never respawned unbounded).
   */
  serverInput(): ServerInput | undefined {
    if (!this.link) return undefined;
    const { maxRestarts, withinMs } =
      resolvePolicy(this.options.supervision, undefined) || DEFAULT_POLICY;
    return {
      link: this.link,
      binary: () => this.binary(),
      globalFlags: this.globalFlags,
      envSource: this.envSource,
      killGraceMs: this.options.killGraceMs,
      startTimeoutMs: this.options.serverStartTimeoutMs,
      intensity: { maxRestarts, withinMs },
      clock: systemClock,
    };
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
      clock: systemClock,
      ...(this.link ? { transportSettings: this.appServerSettings(thread, this.link) } : {}),
    };
  }

  private appServerSettings(thread: ThreadOptions, link: AppServerLink): AppServerThreadSettings {
    const approvals: ApprovalSettings = {
      handler: thread.onApproval ?? this.options.onApproval,
      timeoutMs:
        thread.approvalTimeoutMs ?? this.options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
    };
    return { link, approvals };
  }
}
