import type { CodexTreeSnapshot, ThreadTreeSnapshot } from "../../machines/snapshot-tree.js";

/* The fleet at a glance: what the summary bar counts, and which threads each count selects. */

/** What the summary bar can select: every thread, or those a count is about. */
export type FleetFilter = "all" | "running" | "queued" | "awaiting" | "failed" | "restarts";

/** How far back "failed" looks. */
export const FAILED_WINDOW_MS = 60 * 60 * 1000;

/** The counts of the summary bar. */
export type FleetCounts = Record<Exclude<FleetFilter, "all">, number>;

/** Counts running threads, queued turns, threads awaiting approval, recent failures, restarts. */
export function fleetCounts(snapshot: CodexTreeSnapshot, now: number): FleetCounts {
  const { threads } = snapshot;
  return {
    running: threads.filter((thread) => thread.status === "running").length,
    queued: threads.reduce(
      (sum, thread) => sum + thread.queued + (thread.status === "queued" ? 1 : 0),
      0,
    ),
    awaiting: threads.filter((thread) => thread.status === "awaiting approval").length,
    failed: recentFailures(snapshot, now).length,
    restarts: snapshot.restarts,
  };
}

/** Whether `thread` is one `filter` selects. */
export function selects(
  filter: FleetFilter,
  thread: ThreadTreeSnapshot,
  snapshot: CodexTreeSnapshot,
  now: number,
): boolean {
  switch (filter) {
    case "all":
      return true;
    case "running":
      return thread.status === "running";
    case "queued":
      return thread.status === "queued" || thread.queued > 0;
    case "awaiting":
      return thread.status === "awaiting approval";
    case "failed":
      return (
        thread.status === "failed" ||
        recentFailures(snapshot, now).some((failure) => failure.threadKey === thread.key)
      );
    case "restarts":
      return thread.restarts > 0;
  }
}

/** The thread's status as a reader wants it: `awaiting approval (for 42 s)`, `failed`… */
export function statusText(thread: ThreadTreeSnapshot, now: number): string {
  const since = thread.turn?.awaitingApprovalSince;
  if (thread.status === "awaiting approval" && since !== undefined)
    return `awaiting approval (for ${Math.max(0, Math.round((now - since) / 1000))} s)`;
  return thread.status;
}

function recentFailures(snapshot: CodexTreeSnapshot, now: number) {
  return snapshot.recentFailures.filter((failure) => now - failure.at <= FAILED_WINDOW_MS);
}
