import type { TurnJob } from "../supervision/turn-job.js";
import type { ThreadActorRef } from "./thread.machine.js";

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
