import { fromCallback } from "xstate";
import { decideRestart, type RestartDecision } from "../supervision/restart-decision.js";
import type { ThreadSettings, TurnJob } from "../supervision/turn-job.js";
import {
  RestartLimitError,
  ShutdownError,
  TurnTimeoutError,
  type CodexError,
} from "../types/errors.js";
import type { AttemptOutcome } from "../transports/attempt.js";
import type { TraceCarrier } from "../telemetry/channels.js";
import type { ThreadMachineEvent } from "./thread.machine.js";

/* The turn in hand of a thread actor: its context, and the pure steps of its supervision. */

/** A thread actor's context: its mailbox and the supervision state of the turn in hand. */
export type ThreadContext = {
  settings: ThreadSettings;
  threadId: string | null;
  queue: TurnJob[];
  current: TurnJob | null;
  /** Attempts made for the turn in hand. */
  attempt: number;
  failures: CodexError[];
  restartTimes: number[];
  /** Restarts over the thread's life. */
  restarts: number;
  decision: RestartDecision | null;
  /** The error the turn in hand ends with, once decided. */
  finalError: CodexError | null;
  /** Why the attempt in hand is being stopped (cancel, deadline, shutdown), if it is. */
  stopError: CodexError | null;
  shuttingDown: boolean;
  /** Its `Thread` was garbage-collected: end once the mailbox is empty. */
  released: boolean;
  /** The attempt in hand's W3C trace context, as telemetry subscribers set it at its start. */
  traceCarrier: TraceCarrier;
};

/** Starts the turn's deadline: sent when its first attempt starts (time in queues is not counted). */
export type DeadlineStart = { type: "deadline.start" };

/** Fires `turn.deadline` `timeoutMs` after `deadline.start`, if the turn has a `timeoutMs`. */
export const deadlineLogic = fromCallback<DeadlineStart, { timeoutMs?: number }>(
  ({ input, sendBack, receive }) => {
    const { timeoutMs } = input;
    let timer: NodeJS.Timeout | undefined;
    receive(() => {
      if (timeoutMs === undefined || timer) return;
      timer = setTimeout(() => sendBack({ type: "turn.deadline", timeoutMs }), timeoutMs);
    });
    return () => clearTimeout(timer);
  },
);

/** Reports the turn in hand as completed (no error) or failed. */
export const settle = (context: ThreadContext, error: CodexError | null) =>
  context.current?.sink.settle(
    error
      ? { status: "failed", attempts: context.attempt, error }
      : { status: "completed", attempts: context.attempt },
  );

/** Rejects a turn that never left the mailbox (cancelled, refused, shut down). */
export const refuse = (job: TurnJob, error: CodexError) =>
  job.sink.settle({ status: "failed", attempts: 0, error });

/** The error of turns refused or cancelled by a shutdown. */
export const shutdownError = () => new ShutdownError();

/** The stop a cancel, deadline or kill asks for, as the error the turn ends with. */
export function stopErrorOf(event: ThreadMachineEvent): CodexError | null {
  if (event.type === "thread.cancel") return event.error;
  if (event.type === "turn.deadline") return new TurnTimeoutError(event.timeoutMs);
  if (event.type === "thread.kill") {
    return new ShutdownError("The Codex shut down; the running turn was stopped.");
  }
  return null;
}

/** What a failed attempt changes: the failures, the thread id, and the restart decision. */
export function afterFailure(
  context: ThreadContext,
  output: AttemptOutcome,
): Partial<ThreadContext> {
  const error = output.error!;
  const failures = [...context.failures, error];
  const now = Date.now();
  const decision = decideRestart({
    policy: context.shuttingDown ? false : context.settings.policy,
    error,
    sideEffect: output.sideEffect,
    restartTimes: context.restartTimes,
    now,
    random: Math.random(),
  });
  const threadId = output.threadId ?? context.threadId;
  if (decision.restart) {
    return {
      failures,
      threadId,
      decision,
      restartTimes: [...context.restartTimes, now],
      restarts: context.restarts + 1,
    };
  }
  let finalError: CodexError = error;
  if (decision.limitExceeded && context.settings.policy) {
    const { maxRestarts, withinMs } = context.settings.policy;
    finalError = new RestartLimitError(failures, maxRestarts, withinMs);
  } else if (!context.shuttingDown) {
    error.notRetried = decision.reason;
    if (output.sideEffect && context.settings.policy)
      error.message += ` (not restarted: ${decision.reason})`;
  }
  return { failures, threadId, decision, finalError };
}
