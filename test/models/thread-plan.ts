import type { AnyMachineSnapshot, EventObject } from "xstate";
import type { SupervisionPolicy } from "../../src/index.js";
import type { MockStep } from "../support/mock-codex.js";

/** A path's step: the event, and the model states before and after it. */
export type PlanStep = { event: EventObject; from: AnyMachineSnapshot; to: AnyMachineSnapshot };

/** One attempt (one mock-codex run): how the path ends it, and what the real exec ends in. */
export type PlannedAttempt = { steps: MockStep[]; ending: string; execFinal: string | null };

/** A turn the path asks for: how it must settle (`resolved`, or an error name), if it does. */
export type PlannedTurn = { outcome: string | null; attempts: number; timeoutMs?: number };

/** A thread path turned into mock-codex runs, a supervision policy and the turns' outcomes. */
export type ThreadPlan = {
  attempts: PlannedAttempt[];
  policy: SupervisionPolicy;
  turns: PlannedTurn[];
};

/** How long a turn with a `DEADLINE` may take (its backoff is held until then): long enough for
 * its attempt to start and crash on a loaded machine. */
export const DEADLINE_MS = 4_000;
/** A backoff the path acts during (cancel, deadline, shutdown) lasts this long; others 5 ms. */
export const HELD_BACKOFF_MS = 60_000;
/** While another turn is queued during a successful attempt, codex waits this long first. */
export const QUEUE_WINDOW_MS = 500;

const REJECTED = { type: "turn.failed", error: { message: "unexpected status 401 Unauthorized" } };
const EXEC_FINAL: Record<string, string> = {
  SUCCEED: "completed",
  CRASH: "failed",
  REJECTED: "failed",
  CANCEL: "aborted",
  SHUTDOWN: "aborted",
};

/**
 * Plans a path: each `GRANTED` is one mock-codex run whose steps depend on how the path ends it
 * (crashes and rejections are hung runs the test kills, so they wait for the path); each turn's
 * outcome follows the model; the backoffs the path acts during are long, the others short.
 */
export function planThreadPath(steps: PlanStep[]): ThreadPlan {
  const attempts: Array<{ ending: string; queuedDuring: boolean }> = [];
  const turns: PlannedTurn[] = [];
  const backoffs: Array<{ turn: number; index: number; held: boolean }> = [];
  const queue: number[] = [];
  let current = -1;
  let pending: string | null = null;
  let backoffIndex = 0;
  const settle = (turn: number, outcome: string) => (turns[turn]!.outcome = outcome);
  for (const { event, from } of steps) {
    const attempting = from.matches({ busy: "attempting" });
    const backingOff = from.matches({ busy: "backingOff" });
    if (backingOff) backoffs.at(-1)!.held = event.type !== "BACKOFF_ELAPSED";
    switch (event.type) {
      case "RUN":
        turns.push({ outcome: null, attempts: 0 });
        if (attempting) {
          queue.push(turns.length - 1);
          attempts.at(-1)!.queuedDuring = true;
        } else {
          current = turns.length - 1;
          backoffIndex = 0;
        }
        break;
      case "NEXT_TURN":
        current = queue.shift()!;
        backoffIndex = 0;
        break;
      case "GRANTED":
        turns[current]!.attempts += 1;
        attempts.push({ ending: "none", queuedDuring: false });
        break;
      case "RESTART":
        backoffs.push({ turn: current, index: backoffIndex++, held: false });
        break;
      case "SUCCEED":
        settle(current, "resolved");
        break;
      case "DEADLINE":
        turns[current]!.timeoutMs = DEADLINE_MS;
        pending = "TurnTimeoutError";
        break;
      case "GIVE_UP":
      case "STOPPED":
        settle(current, pending!);
        break;
      case "SHUTDOWN":
        for (const queued of queue.splice(0)) settle(queued, "ShutdownError");
        pending = "ShutdownError";
        if (backingOff) settle(current, pending);
        break;
      case "CANCEL":
      case "REJECTED":
        pending = event.type === "CANCEL" ? "AbortError" : "TurnFailedError";
        break;
    }
    if (attempting && event.type in EXEC_FINAL) attempts.at(-1)!.ending = event.type;
  }
  return {
    attempts: attempts.map(({ ending, queuedDuring }) => ({
      steps: runOf(ending, queuedDuring),
      ending,
      execFinal: EXEC_FINAL[ending] ?? null,
    })),
    policy: policyFor(backoffs),
    turns,
  };
}

/** The mock-codex steps of one attempt. */
function runOf(ending: string, queuedDuring: boolean): MockStep[] {
  if (ending === "SUCCEED") {
    const turn = { turn: "answered" };
    return queuedDuring ? [{ delayMs: QUEUE_WINDOW_MS }, turn] : [turn];
  }
  // Hung runs report thread.started first: the test acts only after the run has read its steps,
  // for a run killed earlier would leave mock-codex's run counter behind.
  if (ending === "REJECTED") return [{ threadStarted: true }, { emit: REJECTED }, { hang: true }];
  return [{ threadStarted: true }, { hang: true }];
}

/**
 * A policy whose n-th backoff of a turn is short where the path lets it elapse and long where
 * the path acts during it. Backoffs grow, so every short one must come before every long one.
 */
function policyFor(backoffs: Array<{ index: number; held: boolean }>): SupervisionPolicy {
  const held = backoffs.filter((b) => b.held).map((b) => b.index);
  const elapsed = backoffs.filter((b) => !b.held).map((b) => b.index);
  const firstHeld = Math.min(...held);
  if (elapsed.some((index) => index >= firstHeld)) {
    throw new Error(`no backoff schedule lets backoffs ${elapsed} elapse and holds ${held}`);
  }
  const base = { restart: "transient", maxRestarts: 100, withinMs: 60_000 } as const;
  if (held.length === 0) return { ...base, backoff: { initialMs: 5, factor: 1, jitter: false } };
  if (firstHeld === 0) {
    return {
      ...base,
      backoff: { initialMs: HELD_BACKOFF_MS, maxMs: HELD_BACKOFF_MS, jitter: false },
    };
  }
  const factor = Math.ceil((HELD_BACKOFF_MS / 5) ** (1 / firstHeld));
  return {
    ...base,
    backoff: { initialMs: 5, factor, maxMs: HELD_BACKOFF_MS, jitter: false },
  };
}
