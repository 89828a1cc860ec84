// Finds the processes a test left behind and kills them. Two views: the descendants of this
// process (during the run: what a test file started and did not stop), and the processes of the
// whole run (at its end): those carrying the run's marker in their environment (see
// run-marker.mjs), the descendants of this process and of marked ones, never this process or its
// ancestors. Linux only (it reads /proc); elsewhere both find nothing.
import { readdirSync, readFileSync } from "node:fs";
import { RUN_MARKER_VAR } from "./run-marker.mjs";

/** @typedef {{ pid: number, ppid: number, cmdline: string }} RunProcess */

const read = (file) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

/** Parent of every live (non-zombie) process, by pid. */
function parents() {
  const table = new Map();
  let entries = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return table;
  }
  for (const entry of entries) {
    const stat = /^\d+$/.test(entry) ? read(`/proc/${entry}/stat`) : undefined;
    if (!stat) continue;
    const [state, ppid] = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    if (state !== "Z") table.set(Number(entry), Number(ppid));
  }
  return table;
}

/** Adds to `set` every descendant of its members. */
function closeOverChildren(table, set, excluded) {
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of table)
      if (!set.has(pid) && set.has(ppid) && !excluded.has(pid)) {
        set.add(pid);
        grew = true;
      }
  }
}

function describe(table, pids, tolerate) {
  return [...pids]
    .map((pid) => ({
      pid,
      ppid: table.get(pid),
      cmdline: (read(`/proc/${pid}/cmdline`) ?? "").replaceAll("\0", " ").trim(),
    }))
    .filter((p) => p.cmdline !== "" && !tolerate(p));
}

/**
 * The live descendants of this process, except those `tolerate` accepts.
 * @param {(p: RunProcess) => boolean} [tolerate]
 * @returns {RunProcess[]}
 */
export function descendants(tolerate = () => false) {
  const table = parents();
  const found = new Set([process.pid]);
  closeOverChildren(table, found, new Set());
  found.delete(process.pid);
  return describe(table, found, tolerate);
}

/**
 * The live processes of the run marked `marker`, except this process, its ancestors and those
 * `tolerate` accepts.
 * @param {string} marker
 * @param {(p: RunProcess) => boolean} [tolerate]
 * @returns {RunProcess[]}
 */
export function runProcesses(marker, tolerate = () => false) {
  const table = parents();
  const ancestors = new Set();
  for (let pid = process.pid; pid > 0 && !ancestors.has(pid); pid = table.get(pid) ?? 0)
    ancestors.add(pid);
  const tag = `${RUN_MARKER_VAR}=${marker}`;
  const found = new Set([process.pid]);
  for (const pid of table.keys())
    if (!ancestors.has(pid) && read(`/proc/${pid}/environ`)?.split("\0").includes(tag))
      found.add(pid);
  closeOverChildren(table, found, ancestors);
  found.delete(process.pid);
  return describe(table, found, tolerate);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Gives the processes `find` returns `graceMs` to end by themselves (a sentinel reaps within
 * about a second), then SIGKILLs what is left. Resolves with the processes that were killed.
 * @param {() => RunProcess[]} find
 * @param {number} [graceMs]
 * @returns {Promise<RunProcess[]>}
 */
export async function reap(find, graceMs = 5_000) {
  const deadline = Date.now() + graceMs;
  let left = find();
  while (left.length > 0 && Date.now() < deadline) {
    await pause(100);
    left = find();
  }
  const killed = new Map();
  for (let round = 0; round < 20 && left.length > 0; round++, left = find()) {
    for (const p of left) {
      killed.set(p.pid, p);
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await pause(50);
  }
  return [...killed.values()];
}

/** One line per process: pid, parent and the start of its command line. */
export function describeProcesses(processes) {
  return processes
    .map((p) => {
      const command = p.cmdline.replace(/\s+/g, " ");
      const shown = command.length > 160 ? `${command.slice(0, 157)}...` : command;
      return `  pid ${p.pid} (parent ${p.ppid}): ${shown}`;
    })
    .join("\n");
}

/** Whether `p` is the sentinel this process started: it ends when this process does. */
export const isOwnSentinel = (p) =>
  p.ppid === process.pid && p.cmdline.includes("codex-actors sentinel");
