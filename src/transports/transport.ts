import type { AnyActorLogic, InputFrom, OutputFrom } from "xstate";
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
 * A way to run a turn's attempts. The thread actor invokes `attempt` with `attemptInput(…)`,
 * may send it `attempt.abort`, and reads its `AttemptOutcome` when it is done; nothing else of
 * the transport is known to supervision.
 */
export type Transport = {
  /** The transport's name, as `CodexOptions.transport` says it. */
  name: "exec" | "app-server";
  /** One attempt, as actor logic: takes `AttemptAbortEvent`, outputs an `AttemptOutcome`. */
  attempt: AnyActorLogic;
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
};

/** Checks at compile time that `attempt` outputs an `AttemptOutcome` and takes what `attemptInput` makes. */
export function defineTransport<TLogic extends AnyActorLogic>(transport: {
  name: Transport["name"];
  attempt: OutputFrom<TLogic> extends AttemptOutcome ? TLogic : never;
  attemptInput: (
    settings: ThreadSettings,
    job: TurnJob,
    threadId: string | null,
    trace: TraceCarrier,
  ) => InputFrom<TLogic>;
  service?: AnyActorLogic;
}): Transport {
  return transport;
}

const STOP_KINDS = new Set(["aborted", "shutdown", "turn_timeout", "turn_interrupted"]);

/** Whether an error means the attempt was stopped on request (abort, shutdown, deadline, interrupt). */
export function isStopRequest(error: CodexError | null): boolean {
  return error !== null && STOP_KINDS.has(error.kind);
}
