import type { TurnJob } from "../supervision/turn-job.js";
import type { ThreadActorRef } from "./thread.machine.js";
import type { CodexActorRef } from "./codex.machine.js";

/* What code outside the thread machine may read of a thread actor: its context stays private. */

/** Whether the turn `jobId` still waits in the thread's mailbox. */
export function isQueued(thread: ThreadActorRef, jobId: number): boolean {
  return thread.getSnapshot().context.queue.some((job) => job.id === jobId);
}

/** The turn the thread has in hand (acquiring a slot, running, or backing off), if any. */
export function turnInHand(thread: ThreadActorRef): TurnJob | null {
  return thread.getSnapshot().context.current;
}

/** How many attempts the turn in hand has had so far. */
export function attemptsMade(thread: ThreadActorRef): number {
  return thread.getSnapshot().context.attempt;
}

/** Whether a thread has nothing running and nothing queued (its processes are all gone). */
export function isDrained(thread: ThreadActorRef): boolean {
  const snapshot = thread.getSnapshot();
  if (snapshot.status !== "active") return true;
  return snapshot.matches("idle") && snapshot.context.queue.length === 0;
}

/** Which turn of its thread is in hand, or was last (1 for its first; 0 before any). */
export function turnNumber(thread: ThreadActorRef): number {
  const { context } = thread.getSnapshot();
  return context.spent.turns + (context.current && context.attempt === 0 ? 1 : 0);
}

/** `turnNumber` of the thread `key` under `root`, or 0 when it has none. */
export function turnNumberOf(root: CodexActorRef, key: string): number {
  const thread = root.getSnapshot().children[key] as ThreadActorRef | undefined;
  return thread?.getSnapshot().context ? turnNumber(thread) : 0;
}
