import type { Queue } from "bullmq";
import { bounded } from "./bounded.js";

/** How often a turn no longer followed is checked for its end. */
const POLL_MS = 1_000;

/**
 * Resolves once the job `turnId` has ended in the queue (completed, failed or gone), or `stop`
 * fires, or Redis stops answering: for a turn whose producer stopped following it (a `break`, an
 * abort) but whose thread's next turn must not start before it ended. Redis not answering
 * counts as the end (the next turn then meets the same Redis). Resolves with the
 * thread id the worker reported, if the job completed; never rejects.
 */
export async function jobSettled(
  queue: Queue,
  turnId: string,
  stop: AbortSignal,
  /** How long one question to Redis may take: past it, the turn counts as ended. */
  timeoutMs: number,
): Promise<string | null> {
  while (!stop.aborted) {
    try {
      const job = await bounded(queue.getJob(turnId), timeoutMs);
      const state = job ? await bounded(job.getState(), timeoutMs) : "unknown";
      if (state === "completed") {
        const { threadId } = (job?.returnvalue ?? {}) as { threadId?: unknown };
        return typeof threadId === "string" ? threadId : null;
      }
      if (state === "failed" || state === "unknown") return null;
    } catch {
      return null;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, POLL_MS);
      stop.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        stop.removeEventListener("abort", done);
        resolve();
      }
    });
  }
  return null;
}
