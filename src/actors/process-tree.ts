import type { execFileSync as ExecFileSync } from "node:child_process";
import type { readdirSync as ReaddirSync, readFileSync as ReadFileSync } from "node:fs";

/** The system calls `descendantsOf` needs, passed in so the function also runs inside the sentinel. */
export type ProcessTreeIo = {
  readdirSync: typeof ReaddirSync;
  readFileSync: typeof ReadFileSync;
  execFileSync: typeof ExecFileSync;
};

/**
 * Every live descendant of `root` (children, grandchildren, ...), read from /proc, or from `ps`
 * where there is no /proc. codex starts its commands in sessions of their own, so killing its
 * process group is not enough: its tree is. Self-contained: it is also serialised into the sentinel.
 */
export function descendantsOf(root: number, io: ProcessTreeIo): number[] {
  const children = new Map<number, number[]>();
  const add = (pid: number, ppid: number) => {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  };
  try {
    for (const entry of io.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = io.readFileSync(`/proc/${entry}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        add(Number(entry), Number(fields[1]));
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    const table = io.execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
    for (const line of table.trim().split("\n")) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid && ppid !== undefined) add(pid, ppid);
    }
  }
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
