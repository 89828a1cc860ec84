import type {
  ActorLogic,
  AnyActorLogic,
  EventFromLogic,
  InputFrom,
  OutputFrom,
  Snapshot,
} from "xstate";
import type { FailureClasses } from "../supervision/classify.js";
import type { ThreadSettings, TurnJob } from "../supervision/turn-job.js";
import type { TraceCarrier } from "../telemetry/channels.js";
import type { TurnInterruptedError } from "../types/app-server-errors.js";
import type { AbortError, CodexError, ShutdownError, TurnTimeoutError } from "../types/errors.js";

/* The seam between supervision and transports: what a thread actor knows of one attempt. */

/** Asks a running attempt to stop (its processes killed, or its turn interrupted); it then ends with `error`. */
export type AttemptAbortEvent = {
  type: "attempt.abort";
  error: AbortError | ShutdownError | TurnTimeoutError | TurnInterruptedError;
};

/** How an attempt ended: the output of its actor once it reaches a final state. */
export type AttemptOutcome = {
  status: "completed" | "failed" | "aborted";
  threadId: string | null;
  /** The codex process that ran it (the app-server's, on that transport), if one started. */
  pid: number | null;
  error?: CodexError;
  /** The type of the first side-effect item (command, file change, MCP call) that started. */
  sideEffect: string | null;
};

/**
 * What the snapshot tree reads of a running attempt: its actor's context has at least this, and
 * `pendingApprovals` (how many approvals wait for `onApproval`) where the transport asks any.
 */
export type AttemptView = {
  pid: number | null;
  threadId: string | null;
  pendingApprovals?: number;
};

/**
 * One attempt as the thread actor runs it: actor logic that takes `attempt.abort` and outputs an
 * `AttemptOutcome` (its input is the transport's own, made by `attemptInput`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each transport's input is its own
export type AttemptLogic = ActorLogic<Snapshot<AttemptOutcome>, AttemptAbortEvent, any>;

/**
 * What a transport can do beyond running turns: the facade checks options and calls against it,
 * so no code outside the transports names one to decide what is allowed.
 */
export type TransportCapabilities = {
  /** `turn.steer()`: input added to a running turn. */
  steer: boolean;
  /** `onApproval`: codex asks before it runs a command or changes a file. */
  approvals: boolean;
  /** `deltas: true`: the text of items as it is written. */
  deltas: boolean;
  /** The output schema reaches codex as a file it reads (`--output-schema`), not inline. */
  outputSchemaFile: boolean;
};

/**
 * A way to run a turn's attempts. The thread actor invokes `attempt` with `attemptInput(…)`,
 * may send it `attempt.abort`, and reads its `AttemptOutcome` when it is done; nothing else of
 * the transport is known to supervision.
 */
export type Transport = {
  /** The transport's name, as `CodexOptions.transport` says it. */
  name: "exec" | "app-server";
  /** One attempt, as actor logic: takes `AttemptAbortEvent`, outputs an `AttemptOutcome`. */
  attempt: AttemptLogic;
  /**
   * The attempt actor's input for the next attempt of `job`: a new thread, or a resume of
   * `threadId`; `trace` is the W3C trace context to hand codex, if telemetry set one.
   */
  attemptInput: (
    settings: ThreadSettings,
    job: TurnJob,
    threadId: string | null,
    trace: TraceCarrier,
  ) => unknown;
  /** An actor the root runs beside its threads for the transport (the app-server), if any. */
  service?: AnyActorLogic;
  /** The kinds of failure the transport adds to supervision's classification. */
  failures: FailureClasses;
  /** What it can do beyond running turns. */
  capabilities: TransportCapabilities;
};

/**
 * A transport, checked at compile time: `attempt` takes `attempt.abort`, outputs an
 * `AttemptOutcome` and takes what `attemptInput` makes. Its logic is then seen as an
 * `AttemptLogic`, the one view the thread machine has of it.
 */
export function defineTransport<TLogic extends AnyActorLogic>(
  transport: Omit<Transport, "attempt" | "attemptInput"> & {
    attempt: OutputFrom<TLogic> extends AttemptOutcome
      ? AttemptAbortEvent extends EventFromLogic<TLogic>
        ? TLogic
        : never
      : never;
    attemptInput: (
      settings: ThreadSettings,
      job: TurnJob,
      threadId: string | null,
      trace: TraceCarrier,
    ) => InputFrom<TLogic>;
  },
): Transport {
  // Checked above; a machine's own snapshot type is wider than `Snapshot`'s, hence the widening.
  return { ...transport, attempt: transport.attempt as unknown as AttemptLogic };
}

const STOP_KINDS = new Set(["aborted", "shutdown", "turn_timeout", "turn_interrupted"]);

/** Whether an error means the attempt was stopped on request (abort, shutdown, deadline, interrupt). */
export function isStopRequest(error: CodexError | null): boolean {
  return error !== null && STOP_KINDS.has(error.kind);
}
