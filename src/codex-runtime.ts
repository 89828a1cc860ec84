import { globalConfigFlags } from "./process/toml-config.js";
import { ChildEnvSource } from "./process/child-env.js";
import { locateCodexBinary, type CodexBinary } from "./process/codex-binary.js";
import { refusal } from "./root-machines.js";
import { systemClock } from "./supervision/clock.js";
import { OpenTurns } from "./supervision/open-turns.js";
import { CodexTools } from "./tools/codex-tools.js";
import type { ToolRoute } from "./tools/tool-route.js";
import { resolvePolicy } from "./supervision/policy.js";
import type { ThreadSettings } from "./supervision/turn-job.js";
import { DEFAULT_STALLED_STREAM_WARNING_MS } from "./turn/stalled-stream.js";
import type { ThreadAdmin, Transport, TransportSession } from "./transports/transport.js";
import type { CodexOptions, ThreadOptions } from "./types/options.js";

/**
 * What one `Codex` gives all its threads: config flags checked once at construction, its session
 * with the transport, and the binary, located on the first turn (so a missing one rejects that
 * turn, typed).
 */
export class CodexRuntime {
  private readonly globalFlags: readonly string[];
  private readonly envSource: ChildEnvSource;
  private located?: CodexBinary;
  /** How long a turn waits behind a stream nobody reads before it warns (`false`: never). */
  readonly stalledStreamWarningMs: number | false;
  /** The turns not settled yet. */
  readonly openTurns = new OpenTurns();
  /** This Codex's use of its transport: its service's input, thread settings, admin. */
  readonly session: TransportSession;
  /** The tools its threads may call, and the server that serves them. */
  readonly tools: CodexTools;

  constructor(
    readonly options: CodexOptions,
    transport: Transport,
  ) {
    this.globalFlags = globalConfigFlags(options);
    this.envSource = new ChildEnvSource(options.env, options.apiKey);
    this.stalledStreamWarningMs =
      options.stalledStreamWarningMs ?? DEFAULT_STALLED_STREAM_WARNING_MS;
    // A transport with a service (the app-server) runs every thread's turns in one process.
    const sharedProcess = transport.service !== undefined;
    this.tools = new CodexTools(
      options.tools ?? [],
      this.envSource,
      sharedProcess,
      shellExcludes(options),
    );
    this.session = transport.open({
      options,
      globalFlags: this.globalFlags,
      envSource: this.envSource,
      binary: () => this.binary(),
      clock: systemClock,
    });
  }

  /** The transport's thread admin, for `feature`; throws `UnsupportedError` where it has none. */
  admin(feature: string): ThreadAdmin {
    const { admin } = this.session;
    if (!admin) throw refusal("threadAdmin", feature);
    return admin;
  }

  /** The binary every turn runs; throws `CodexNotFoundError` when there is none. */
  binary(): CodexBinary {
    this.located ??= locateCodexBinary(this.options.codexPathOverride);
    return this.located;
  }

  /** The settings of a thread with these options (and its tools' route, if it has tools). */
  threadSettings(thread: ThreadOptions, tools: ToolRoute | null): ThreadSettings {
    return {
      globalFlags: this.globalFlags,
      envSource: this.envSource,
      thread,
      policy: resolvePolicy(this.options.supervision, thread.supervision),
      killGraceMs: this.options.killGraceMs,
      clock: systemClock,
      threadConfig: () => tools?.config ?? null,
      transportSettings: this.session.threadSettings(thread),
    };
  }
}

/** The Codex's own `shell_environment_policy.exclude` (its structured `config`), if any. */
function shellExcludes(options: CodexOptions): string[] {
  const policy = options.config?.shell_environment_policy;
  const exclude =
    typeof policy === "object" && policy !== null && "exclude" in policy
      ? (policy as { exclude?: unknown }).exclude
      : undefined;
  return Array.isArray(exclude) ? exclude.filter((each) => typeof each === "string") : [];
}
