import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/**
 * One row of the process table. `start` tells a process from a later one that reuses its pid
 * (the start time in clock ticks; "" where the table has none).
 */
export type ProcessRow = {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  zombie: boolean;
  start: string;
};

/**
 * Every process: from /proc where there is one, else from `ps` (no groups, sessions, starts);
 * empty where neither is (Windows).
 */
export function processTable(): ProcessRow[] {
  if (!existsSync("/proc/self/stat")) {
    let table: string;
    try {
      table = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
    } catch {
      return [];
    }
    return table
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/).map(Number))
      .map(([pid = 0, ppid = 0]) => ({
        pid,
        ppid,
        pgrp: pid,
        session: 0,
        zombie: false,
        start: "",
      }));
  }
  const rows: ProcessRow[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const row = procRow(Number(entry));
    if (row) rows.push(row);
  }
  return rows;
}

/** The row of one process, or null when it does not run (one file read where there is /proc). */
export function processRow(pid: number): ProcessRow | null {
  if (!existsSync("/proc/self/stat")) return processTable().find((row) => row.pid === pid) ?? null;
  return procRow(pid);
}

function procRow(pid: number): ProcessRow | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the command: state ppid pgrp session tty tpgid flags ... starttime (the 20th).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return {
      pid,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      session: Number(fields[3]),
      zombie: fields[0] === "Z",
      start: fields[19] ?? "",
    };
  } catch {
    return null; // it ended, or ended while we looked
  }
}

/** Every descendant of `root` in `table` (children, grandchildren, ...). */
export function descendantsIn(table: readonly ProcessRow[], root: number): ProcessRow[] {
  const children = new Map<number, ProcessRow[]>();
  for (const row of table) children.set(row.ppid, [...(children.get(row.ppid) ?? []), row]);
  const found: ProcessRow[] = [];
  const pending = [root];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop()!) ?? []) {
      found.push(child);
      pending.push(child.pid);
    }
  }
  return found;
}

/**
 * Every live descendant of `root`. codex starts its commands in sessions of their own, so
 * killing its process group is not enough: its tree is.
 */
export function descendantsOf(root: number): number[] {
  return descendantsIn(processTable(), root).map((row) => row.pid);
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
