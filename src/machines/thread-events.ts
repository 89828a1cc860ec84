import type { BudgetExceededError, CodexError } from "../types/errors.js";
import type { AttemptSteeredEvent, AttemptUsageEvent } from "../transports/transport.js";
import type { TurnJob } from "../supervision/turn-job.js";
import type { DeadlineReached } from "../actors/deadline.actor.js";

/** Events a thread actor takes: from its `Thread`, from the Codex root, and from its timers. */
export type ThreadMachineEvent =
  | { type: "thread.enqueue"; job: TurnJob }
  | { type: "thread.cancel"; jobId: number; error: CodexError }
  | { type: "thread.shutdown" }
  | { type: "thread.kill" }
  /** The Codex's budget is spent: a running attempt is stopped with `error`. */
  | { type: "thread.overBudget"; error: BudgetExceededError }
  | AttemptUsageEvent
  | AttemptSteeredEvent
  | { type: "thread.release" }
  /** `thread.setName()` named it. */
  | { type: "thread.named"; name: string }
  /** A concurrency slot; `counted`: the grant counted a new turn against the Codex's budget. */
  | { type: "slot.granted"; counted: boolean }
  | { type: "slot.denied"; error: CodexError }
  | DeadlineReached;
