import { execFileSync } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";

let procFound: boolean | undefined;
/** Whether there is a /proc to read (looked up once). */
const hasProc = () => (procFound ??= existsSync("/proc/self/stat"));

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** One `/proc/<pid>/stat` line (a few hundred bytes): read into one buffer, reused. */
const statBuffer = Buffer.alloc(4096);

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
  if (!hasProc()) {
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
  for (const pid of processIds()) {
    const row = procRow(pid);
    if (row) rows.push(row);
  }
  return rows;
}

/** The pid of every process, from one read of /proc's folder; empty where there is no /proc. */
export function processIds(): number[] {
  if (!hasProc()) return [];
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const first = entry.charCodeAt(0);
    if (first >= DIGIT_0 && first <= DIGIT_9) pids.push(Number(entry));
  }
  return pids;
}

/** The row of one process, or null when it does not run (one file read where there is /proc). */
export function processRow(pid: number): ProcessRow | null {
  if (!hasProc()) return processTable().find((row) => row.pid === pid) ?? null;
  return procRow(pid);
}

function procRow(pid: number): ProcessRow | null {
  try {
    const fd = openSync(`/proc/${pid}/stat`, "r");
    let length: number;
    try {
      length = readSync(fd, statBuffer, 0, statBuffer.length, 0);
    } finally {
      closeSync(fd);
    }
    const stat = statBuffer.toString("latin1", 0, length);
    // After the command: state ppid pgrp session tty tpgid flags ... starttime (the 20th).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ", 20);
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
  for (const row of table) {
    const siblings = children.get(row.ppid);
    if (siblings) siblings.push(row);
    else children.set(row.ppid, [row]);
  }
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

let childLists: boolean | undefined;
/** Whether the kernel lists each thread's children in `/proc/<pid>/task/<tid>/children`. */
const hasChildLists = () =>
  (childLists ??= hasProc() && existsSync(`/proc/self/task/${process.pid}/children`));

/**
 * Every descendant of `root`, from the kernel's lists of children: a few small reads (one per
 * thread of each process in the tree) instead of one per process on the machine, which also
 * keeps a host's fs calls few enough that V8 never compiles them with its optimizing compiler
 * (+3.5 MB of RSS and ~10 ms of CPU in a process that runs a few turns). Null where the kernel
 * keeps no such lists (then read `processTable()`).
 */
export function treeOf(root: number): ProcessRow[] | null {
  if (!hasChildLists()) return null;
  const found: ProcessRow[] = [];
  const seen = new Set([root]);
  const pending = [root];
  while (pending.length > 0) {
    for (const child of childrenOf(pending.pop()!)) {
      if (seen.has(child)) continue; // a pid reused while we looked
      seen.add(child);
      const row = procRow(child);
      if (row === null) continue; // it ended while we looked
      found.push(row);
      pending.push(child);
    }
  }
  return found;
}

/** The children of `pid`: each of its threads has its own list (a child hangs off the thread that forked it). */
function childrenOf(pid: number): number[] {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // it ended
  }
  const children: number[] = [];
  for (const thread of threads) {
    let list: string;
    try {
      list = readFileSync(`/proc/${pid}/task/${thread}/children`, "utf8");
    } catch {
      continue; // the thread ended
    }
    for (const child of list.split(" ")) if (child !== "") children.push(Number(child));
  }
  return children;
}

/**
 * Every live descendant of `root`. codex starts its commands in sessions of their own, so
 * killing its process group is not enough: its tree is.
 */
export function descendantsOf(root: number): number[] {
  return (treeOf(root) ?? descendantsIn(processTable(), root)).map((row) => row.pid);
}

/**
 * Whether any of `pids`, or any member of the process groups led by `leaders`, still runs: a
 * zombie (dead, not yet reaped) counts as gone. One read of the process table when there are
 * groups to look in, else one file per pid.
 */
export function anyRunning(pids: readonly number[], leaders: readonly number[]): boolean {
  if (leaders.length === 0) {
    return pids.some((pid) => {
      const row = processRow(pid);
      return row !== null && !row.zombie;
    });
  }
  const wanted = new Set(pids);
  const groups = new Set(leaders);
  return processTable().some((row) => !row.zombie && (wanted.has(row.pid) || groups.has(row.pgrp)));
}
