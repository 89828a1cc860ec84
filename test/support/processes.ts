import { readdirSync, readFileSync } from "node:fs";
import type { InspectionEvent } from "xstate";
import { scaled } from "./deadlines.js";
import { RUN_MARKER_VAR, runMarker } from "./run-marker.mjs";

/** Collects the pid of every codex process the inspected actors spawned. */
export function pidRecorder(): { pids: Set<number>; inspect: (event: InspectionEvent) => void } {
  const pids = new Set<number>();
  return {
    pids,
    inspect: (event) => {
      if (event.type !== "@xstate.snapshot") return;
      const context = (event.snapshot as { context?: { pid?: unknown } }).context;
      if (typeof context?.pid === "number") pids.add(context.pid);
    },
  };
}

/** Whether a process with this pid exists (zombies count as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/**
 * Pids of this test run's live processes whose command line contains `marker`: those carrying
 * the run's marker in their environment (orphans included), never another run's.
 */
export function processesMatching(marker: string): number[] {
  const tag = `${RUN_MARKER_VAR}=${runMarker()}`;
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (!cmdline.includes(marker) || !isAlive(Number(entry))) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (environ.includes(tag)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Waits until `check` holds, polling; throws with `what` after `timeoutMs` (scaled). */
export async function eventually(
  check: () => boolean,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const bound = scaled(timeoutMs);
  const deadline = Date.now() + bound;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${bound} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Waits until `written()` (how much a flood has written) has not moved for 500 ms (scaled) — its
 * writer is held back — and returns where it stopped.
 */
export async function whenStalled(written: () => number): Promise<number> {
  const quiet = scaled(500);
  let last = -1;
  let movedAt = Date.now();
  await eventually(
    () => {
      const now = written();
      if (now !== last) [last, movedAt] = [now, Date.now()];
      return Date.now() - movedAt >= quiet;
    },
    `the flood to stall (nothing written for ${quiet} ms)`,
    15_000,
  );
  return last;
}
