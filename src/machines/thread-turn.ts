import type { DecisionMade, FailureToDecide } from "../actors/restart-decider.actor.js";
import type { FailureClasses } from "../supervision/classify.js";
import type { RestartDecision } from "../supervision/restart-decision.js";
import type { ThreadSettings, TurnJob } from "../supervision/turn-job.js";
import {
  InternalError,
  RestartLimitError,
  ShutdownError,
  TurnTimeoutError,
  type CodexError,
} from "../types/errors.js";
import type { AttemptOutcome } from "../transports/transport.js";
import type { TraceCarrier } from "../telemetry/channels.js";
import type { ThreadMachineEvent } from "./thread-events.js";
import {
  breachBeforeStart,
  breachWhileRunning,
  budgetError,
  spend,
  type BudgetLedger,
} from "../supervision/budget.js";
import type { Spent } from "../types/options.js";
import { isStopRequest, type AttemptUsageEvent } from "../transports/transport.js";
import type { BudgetStop } from "../types/errors.js";

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
  /** The first side effect of the last failed attempt, if one had started. */
  sideEffect: string | null;
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
  /** What this thread's turns have spent (tokens, turns) against its budget. */
  spent: Spent;
  /** Tokens the turn in hand has spent, its attempts together. */
  turnTokens: number;
  /** Tokens the attempt in hand has spent, as its last usage report said. */
  attemptTokens: number;
  /** The thread's running token total as codex last reported it; null until known (resumed). */
  tokenTotal: number | null;
  /** The name `thread.setName()` gave it, if any. */
  name: string | null;
  /** How its last turn ended, once one has: kept in the actor, so a page opened later sees it. */
  lastOutcome: LastOutcome | null;
};

/**
 * How a thread's last turn ended: `completed`; `failed`; or `interrupted` — stopped on request
 * (an abort, `interrupt()`, a deadline, a shutdown, a budget): `error.kind` says which. `attempts`
 * is 0 for a turn refused before it started; `at` is when it ended (ms since the epoch).
 */
export type LastOutcome = {
  status: "completed" | "failed" | "interrupted";
  attempts: number;
  at: number;
  error?: { kind: string; message: string };
};

/** A turn's end as the thread records it: its error (null: completed) and attempts made. */
export type TurnEnd = { error: CodexError | null; attempts: number };

/** The thread's last outcome once a turn ends as `end` says (timed by the thread's clock). */
export function lastOutcomeOf(context: ThreadContext, end: TurnEnd): LastOutcome {
  const { error, attempts } = end;
  const at = context.settings.clock.now();
  if (!error) return { status: "completed", attempts, at };
  return {
    status: isStopRequest(error) ? "interrupted" : "failed",
    attempts,
    at,
    error: { kind: error.kind, message: error.message },
  };
}

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
  if (event.type === "thread.overBudget") return event.error;
  return null;
}

/**
 * What the decision is made from: the attempt's failure as its transport classifies it
 * (`failures`), and no restart while shutting down.
 */
export function failureToDecide(context: ThreadContext, failures: FailureClasses): FailureToDecide {
  return {
    policy: context.shuttingDown ? false : context.settings.policy,
    error: context.failures[context.failures.length - 1]!,
    failures,
    sideEffect: context.sideEffect,
    restartTimes: context.restartTimes,
    clock: context.settings.clock,
  };
}

/** What a failed attempt changes: its failure, side effect and the thread id it reported. */
export function afterFailedAttempt(
  context: ThreadContext,
  output: AttemptOutcome,
): Partial<ThreadContext> {
  return {
    failures: [...context.failures, output.error!],
    sideEffect: output.sideEffect,
    threadId: output.threadId ?? context.threadId,
  };
}

/**
 * What a decision changes: the restart count and times, or the error the turn ends with. A stop
 * (cancel, deadline, kill) asked while the decision was made overrules a restart.
 */
export function afterDecision(
  context: ThreadContext,
  { decision: made, now }: DecisionMade,
): Partial<ThreadContext> {
  const decision = standingDecision(context, made);
  if (decision !== made) return { decision, finalError: context.stopError! };
  if (decision.restart) {
    return {
      decision,
      restartTimes: [...context.restartTimes, now],
      restarts: context.restarts + 1,
    };
  }
  const { failures, settings } = context;
  const finalError =
    decision.limitExceeded && settings.policy
      ? new RestartLimitError(failures, settings.policy.maxRestarts, settings.policy.withinMs)
      : failures[failures.length - 1]!;
  return { decision, finalError };
}

/** The decision once a stop asked while it was made is counted: a stopped turn is not restarted. */
export function standingDecision(context: ThreadContext, made: RestartDecision): RestartDecision {
  if (!made.restart || !context.stopError) return made;
  return { restart: false, reason: "the turn was stopped", limitExceeded: false };
}

/** The turn's failure after the decision could not be made (the `decide` actor failed). */
export function afterDecisionFault(context: ThreadContext, fault: unknown): Partial<ThreadContext> {
  const failure = context.failures[context.failures.length - 1];
  return { finalError: new InternalError("supervision.isTransient", fault, failure) };
}

/**
 * Says, on the error the turn rejects with, why it was not restarted (its own failure, not one
 * a shutdown or the restart limit made).
 */
export function explainNoRestart(context: ThreadContext): void {
  const { decision, finalError, settings } = context;
  if (!finalError || !decision || decision.restart || decision.limitExceeded) return;
  if (context.shuttingDown) return;
  finalError.notRetried = decision.reason;
  if (context.sideEffect && settings.policy)
    finalError.message += ` (not restarted: ${decision.reason})`;
}

/** The thread's and the turn's budgets, with what was spent against each. */
function ledgers(context: ThreadContext, job: TurnJob): BudgetLedger[] {
  return [
    { scope: "turn", budget: job.options.budget, spent: { tokens: context.turnTokens, turns: 0 } },
    { scope: "thread", budget: context.settings.thread.budget, spent: context.spent },
  ];
}

/**
 * The error the next queued turn is refused with, before anything of it runs, when the thread's
 * budget leaves it no room; null when it may start.
 */
export function refusalByBudget(context: ThreadContext): CodexError | null {
  const next = context.queue[0];
  if (!next) return null;
  const breach = breachBeforeStart(ledgers({ ...context, turnTokens: 0 }, next), true);
  return breach && budgetError(breach, "before-start");
}

/** The error a restart of the turn in hand is refused with when its tokens or its thread's are spent. */
export function restartRefusal(context: ThreadContext): CodexError | null {
  if (!context.current) return null;
  const breach = breachBeforeStart(ledgers(context, context.current), false);
  return breach && budgetError(breach, "before-start");
}

/** Tokens a usage report adds to what the attempt had reported. */
export const tokensAdded = (context: ThreadContext, usage: AttemptUsageEvent): number =>
  Math.max(0, usage.attemptTokens - context.attemptTokens);

/** What an attempt's usage report changes: the tokens spent by the attempt, turn and thread. */
export function afterUsage(
  context: ThreadContext,
  usage: AttemptUsageEvent,
): Partial<ThreadContext> {
  const added = tokensAdded(context, usage);
  return {
    attemptTokens: Math.max(context.attemptTokens, usage.attemptTokens),
    turnTokens: context.turnTokens + added,
    spent: spend(context.spent, added),
    tokenTotal: usage.threadTotal,
  };
}

/**
 * The error the running turn is stopped with once `usage` is counted, when it takes the turn or
 * its thread past a token budget (and nothing else is stopping it); null otherwise.
 */
export function stopByBudget(
  context: ThreadContext,
  usage: AttemptUsageEvent,
  stoppedAt: BudgetStop,
): CodexError | null {
  if (context.stopError || !context.current) return null;
  const breach = breachWhileRunning(
    ledgers({ ...context, ...afterUsage(context, usage) }, context.current),
  );
  return breach && budgetError(breach, stoppedAt);
}
