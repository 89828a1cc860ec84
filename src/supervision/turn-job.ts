import type { FlowControl } from "../process/flow-control.js";
import type { ChildEnvSource } from "../process/child-env.js";
import type { CodexBinary } from "../process/codex-binary.js";
import type { CodexError } from "../types/errors.js";
import type { ThreadEvent } from "../types/events.js";
import type { ThreadOptions, TurnOptions } from "../types/options.js";
import type { TurnControl } from "../turn/turn-control.js";
import type { Clock } from "./clock.js";
import type { ResolvedPolicy } from "./policy.js";

/** How a turn ended, as its thread reports it to the caller. */
export type TurnResult =
  | { status: "completed"; attempts: number }
  | { status: "failed"; attempts: number; error: CodexError };

/** Where a turn's events and result go: the consumer of `run`/`runStreamed`. */
export type TurnSink = {
  /** Lets a slow consumer hold back the process's stdout. */
  flow: FlowControl;
  deliver: (events: ThreadEvent[]) => void;
  settle: (result: TurnResult) => void;
  /** How long delivered events have waited for the consumer to read them (0 while it keeps up). */
  unreadForMs: () => number;
  /** The turn's steer/interrupt handle, when the caller has one (`runStreamed`). */
  control?: TurnControl;
};

/** One turn waiting in, or taken from, a thread's mailbox. */
export type TurnJob = {
  id: number;
  binary: CodexBinary;
  prompt: string;
  images: string[];
  outputSchemaPath?: string;
  options: Pick<
    TurnOptions,
    "cyberAccessProgram" | "timeoutMs" | "idleTimeoutMs" | "outputSchema" | "deltas" | "budget"
  >;
  sink: TurnSink;
};

/** Config a thread's codex is given beyond its options: dotted keys, JSON values. */
export type ThreadConfig = Readonly<Record<string, string | boolean | readonly string[]>>;

/** What every turn of a thread shares; `S` is what its transport's session adds. */
export type ThreadSettings<S = unknown> = {
  globalFlags: readonly string[];
  /** The child's env and API key, out of sight of snapshots and inspection. */
  envSource: ChildEnvSource;
  thread: ThreadOptions;
  policy: ResolvedPolicy | false;
  /** The time and chance restarts are decided by. */
  clock: Clock;
  killGraceMs?: number;
  /**
   * Config the thread's codex needs beyond its options (dotted keys: where its tools are
   * served), read at each attempt; null when there is none.
   */
  threadConfig: () => ThreadConfig | null;
  /** What the transport needs beyond these, in its own shape (read only by the transport). */
  transportSettings: S;
};
