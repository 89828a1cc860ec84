/**
 * Each codex child leads its own process group, so that one signal reaches codex and every
 * command it started. Groups still alive when the host exits are killed on the way out.
 */

const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Sends `signal` to the process group led by `pid`; false when no process of it remains. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(process.platform === "win32" ? pid : -pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/** Remembers a live group, to be killed if the host exits before it ends. */
export function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", killLiveGroups);
  }
}

/** Forgets a group that has ended. */
export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

function killLiveGroups(): void {
  for (const pid of liveGroups) signalGroup(pid, "SIGKILL");
  liveGroups.clear();
}
