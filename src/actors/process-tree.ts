import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/** One row of the process table. */
type ProcessRow = { pid: number; ppid: number; pgrp: number; zombie: boolean };

/** Every process: from /proc where there is one, else from `ps` (without groups or states). */
function processTable(): ProcessRow[] {
  if (!existsSync("/proc/self/stat")) {
    const table = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
    return table
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/).map(Number))
      .map(([pid = 0, ppid = 0]) => ({ pid, ppid, pgrp: pid, zombie: false }));
  }
  const rows: ProcessRow[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      rows.push({
        pid: Number(entry),
        ppid: Number(ppid),
        pgrp: Number(pgrp),
        zombie: state === "Z",
      });
    } catch {
      // the process ended while we looked
    }
  }
  return rows;
}

/**
 * Every live descendant of `root` (children, grandchildren, ...). codex starts its commands in
 * sessions of their own, so killing its process group is not enough: its tree is.
 */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of processTable())
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop()!) ?? []) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

/**
 * Whether any of `pids`, or any member of the process groups led by `leaders`, still runs: a
 * zombie (dead, not yet reaped) counts as gone. One read of the process table.
 */
export function anyRunning(pids: readonly number[], leaders: readonly number[]): boolean {
  const wanted = new Set(pids);
  const groups = new Set(leaders);
  return processTable().some((row) => !row.zombie && (wanted.has(row.pid) || groups.has(row.pgrp)));
}
