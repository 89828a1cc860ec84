import { readFileSync } from "node:fs";
import { processTable } from "../process/process-tree.js";

// The processes the kit's rigs start carry a marker in their environment (and pass it on to
// what they start): the owner's pid, and the rig's id. Linux only (it reads /proc).

/** The variable naming the pid of the process whose rig started a process. */
export const OWNER_VAR = "CODEX_ACTORS_TESTING_OWNER";
/** The variable naming the rig (stand-in or mock-codex) a process was started for. */
export const RIG_VAR = "CODEX_ACTORS_TESTING_RIG";

/** A live process: its pid and command line. */
export type LiveProcess = { pid: number; cmdline: string };

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

/** Every live (non-zombie) process but this one, with its parent. */
function table(): Map<number, number> {
  return new Map(
    processTable()
      .filter((row) => !row.zombie && row.pid !== process.pid)
      .map((row) => [row.pid, row.ppid]),
  );
}

const cmdlineOf = (pid: number): string =>
  (read(`/proc/${pid}/cmdline`) ?? "").replaceAll("\0", " ").trim();

const carries = (pid: number, variable: string): boolean =>
  (read(`/proc/${pid}/environ`) ?? "").split("\0").includes(variable);

/** The live processes whose environment holds `NAME=value` (`marker`). */
export function processesMarked(marker: string): LiveProcess[] {
  return [...table().keys()]
    .filter((pid) => carries(pid, marker))
    .map((pid) => ({ pid, cmdline: cmdlineOf(pid) }))
    .filter((p) => p.cmdline !== "");
}

/** Sends SIGKILL to every live process whose environment holds `marker`; returns them. */
export function killMarked(marker: string): LiveProcess[] {
  const found = processesMarked(marker);
  for (const { pid } of found) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // It ended meanwhile.
    }
  }
  return found;
}

/** The library's own watcher of process groups: it lives as long as this process. */
const isSentinel = (cmdline: string): boolean => cmdline.includes("codex-actors sentinel");

/**
 * The codex and mock-codex processes this process started that still run: its descendants
 * whose command line names codex (but the library's sentinel), and the processes of the kit's rigs it started (even those
 * that left its tree), commands they run included.
 */
export function codexProcessesLeft(): LiveProcess[] {
  const parents = table();
  const mine = new Set<number>([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents)
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
  }
  mine.delete(process.pid);
  const owner = `${OWNER_VAR}=${process.pid}`;
  return [...parents.keys()]
    .filter((pid) => (mine.has(pid) && /codex/.test(cmdlineOf(pid))) || carries(pid, owner))
    .map((pid) => ({ pid, cmdline: cmdlineOf(pid) }))
    .filter((p) => p.cmdline !== "" && !isSentinel(p.cmdline));
}

/** Options of {@link expectNoCodexProcesses}. */
export type NoProcessesOptions = {
  /** Waits up to this long for them to go before throwing (default 0: checks once). */
  withinMs?: number;
};

/**
 * Throws, naming them, if a codex or mock-codex process this process started still runs (see
 * {@link codexProcessesLeft}); works with any test framework. Call it after `codex.shutdown()`.
 * Linux only: elsewhere it finds nothing.
 */
export async function expectNoCodexProcesses(options: NoProcessesOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.withinMs ?? 0);
  let left = codexProcessesLeft();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = codexProcessesLeft();
  }
  if (left.length > 0)
    throw new Error(
      `${left.length} codex process(es) started by this process still run; shut every Codex ` +
        `down (await codex.shutdown()) before the test ends:\n` +
        left.map((p) => `  ${p.pid} ${p.cmdline}`).join("\n"),
    );
}
