import {
  descendantsIn,
  processRow,
  processTable,
  treeOf,
  type ProcessRow,
} from "./process-tree.js";

/**
 * The descendants of each running codex process, as last seen: when codex exits, the commands it
 * leaves behind in sessions of their own are orphaned and no longer trace back to it, so they
 * must have been seen while it ran. Looked up every `SCAN_INTERVAL_MS` while any runs, and when
 * a caller asks (at `turn.completed`).
 */
const SCAN_INTERVAL_MS = 1_000;

/** Per watched codex pid: descendant pid → its start time (to tell a reused pid apart). */
const watched = new Map<number, Map<number, string>>();
let timer: NodeJS.Timeout | undefined;

/** Starts watching the descendants of the codex process `root`. */
export function watchDescendants(root: number): void {
  watched.set(root, new Map());
  timer ??= setInterval(lookAtAll, SCAN_INTERVAL_MS).unref();
}

/**
 * Lists the descendants of the watched process `root` now (codex is about to exit: its turn has
 * ended); forgets those that have ended. Where the kernel lists children (Linux), that is its own
 * tree: a few reads, however many processes the machine runs and however many other codex
 * processes run beside it. Elsewhere, one read of the whole process table, which also gives the
 * members of its process group and session (an orphaned command in codex's group no longer
 * descends from it; the group is killed whole at exit anyway), and of every other watched
 * process: then it returns false.
 */
export function lookNow(root: number): boolean {
  const known = watched.get(root);
  if (!known) return true;
  const tree = treeOf(root);
  if (tree === null) {
    lookInTable(processTable());
    return false;
  }
  forgetEnded(known);
  for (const row of tree) if (!row.zombie) known.set(row.pid, row.start);
  return true;
}

/** The periodic look: every watched process (one table read does them all where it is read). */
function lookAtAll(): void {
  for (const root of watched.keys()) if (!lookNow(root)) return;
}

/** Drops the known descendants that no longer run (or whose pid a later process reuses). */
function forgetEnded(known: Map<number, string>): void {
  for (const [pid, start] of known) {
    const row = processRow(pid);
    if (row === null || row.zombie || row.start !== start) known.delete(pid);
  }
}

/** `lookNow` from the whole process table: descendants, and group and session members. */
function lookInTable(table: readonly ProcessRow[]): void {
  const running = new Map(table.filter((row) => !row.zombie).map((row) => [row.pid, row.start]));
  for (const [root, known] of watched) {
    for (const [pid, start] of known) if (running.get(pid) !== start) known.delete(pid);
    for (const row of descendantsIn(table, root)) if (!row.zombie) known.set(row.pid, row.start);
    for (const row of table) {
      if (!row.zombie && row.pid !== root && (row.pgrp === root || row.session === root))
        known.set(row.pid, row.start);
    }
  }
}

/**
 * What the codex process `root` left running as it exited, from one read of the process table:
 * the members of its process group and of its session (it leads both), and the descendants seen
 * while it ran that still run (orphaned commands in sessions of their own).
 */
export function leftoversOf(root: number): number[] {
  const known = watched.get(root) ?? new Map<number, string>();
  return processTable()
    .filter(
      (row) =>
        !row.zombie &&
        row.pid !== root &&
        (row.pgrp === root || row.session === root || known.get(row.pid) === row.start),
    )
    .map((row) => row.pid);
}

/** The descendants of `root` seen so far that still run. */
export function knownDescendants(root: number): number[] {
  return [...(watched.get(root) ?? [])]
    .filter(([pid, start]) => {
      const row = processRow(pid);
      return row !== null && !row.zombie && row.start === start;
    })
    .map(([pid]) => pid);
}

/** Stops watching `root`. */
export function unwatchDescendants(root: number): void {
  watched.delete(root);
  if (watched.size > 0) return;
  clearInterval(timer);
  timer = undefined;
}
