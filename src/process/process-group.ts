import { knownDescendants, unwatchDescendants, watchDescendants } from "./descendant-watch.js";
import { processesCarrying } from "./process-environment.js";
import { anyRunning, descendantsOf } from "./process-tree.js";
import { unwatchGroup, unwatchMark, watchGroup, watchMark } from "./sentinel.js";

/**
 * Each codex child leads its own process group; codex starts its commands in sessions of their
 * own, so a forceful kill takes the group and every descendant. Groups still alive when the host
 * exits get SIGTERM on the way out, with their trees, and the sentinel finishes the job (and the
 * whole job if the host is killed).
 */

/** Live codex groups: leader pid → the mark its attempt's processes carry (none for a server). */
const liveGroups = new Map<number, string | undefined>();
/** Looks for marked processes at most: a kill that found some looks again (one may have forked). */
const MARKED_LOOKS = 3;
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

/**
 * Signals the group led by `pid`, every descendant of `pid` and the groups they lead, plus the
 * `known` pids found earlier (descendants that codex's exit has orphaned). Returns them all.
 */
export function signalTree(
  pid: number,
  signal: NodeJS.Signals,
  known: readonly number[] = [],
): number[] {
  const tree = [...new Set([...known, ...descendantsOf(pid)])];
  signalGroup(pid, signal);
  for (const member of tree) signalMember(member, signal);
  return tree;
}

/**
 * SIGKILLs what an exited codex left: the rest of its process group, and the `leftovers` (found
 * by `leftoversOf`) with the groups they lead. False when nothing was left.
 */
export function killLeftovers(pid: number, leftovers: readonly number[]): boolean {
  const groupLeft = signalGroup(pid, "SIGKILL");
  for (const member of leftovers) signalMember(member, "SIGKILL");
  return groupLeft || leftovers.length > 0;
}

/**
 * SIGKILLs every process whose environment carries `mark` (the `KEY=value` an attempt gave codex,
 * inherited by all it starts, orphans in sessions of their own included), with the groups they
 * lead. A look that found some is followed by another (one may have forked as it was killed), up
 * to `MARKED_LOOKS`: one read of /proc in the usual case, where nothing is left. The `spared`
 * pids are never signalled. Returns them all.
 */
export function killMarked(mark: string, spared: readonly number[] = []): number[] {
  const killed = new Set<number>(spared);
  for (let look = 0; look < MARKED_LOOKS; look++) {
    const found = processesCarrying(mark).filter((pid) => !killed.has(pid));
    if (found.length === 0) break;
    for (const pid of found) {
      killed.add(pid);
      signalMember(pid, "SIGKILL");
    }
  }
  for (const pid of spared) killed.delete(pid);
  return [...killed];
}

function signalMember(member: number, signal: NodeJS.Signals): void {
  signalGroup(member, signal);
  try {
    process.kill(member, signal);
  } catch {
    // already gone
  }
}

/**
 * Resolves once none of `pids` and no member of the groups led by `leaders` runs any more, or
 * after `timeoutMs`: a signal is delivered asynchronously, so a turn settles only when what it
 * killed is really gone.
 */
export async function whenGone(
  pids: readonly number[],
  leaders: readonly number[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (anyRunning(pids, leaders) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Remembers a live group, to be killed if the host exits before it ends, with the processes that
 * carry its attempt's `mark`, if it has one (the sentinel's job).
 */
export function trackGroup(pid: number, mark?: string): void {
  liveGroups.set(pid, mark);
  watchGroup(pid);
  if (mark !== undefined) watchMark(mark);
  watchDescendants(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", killLiveGroups);
  }
}

/** Forgets a group that has ended. */
export function untrackGroup(pid: number): void {
  const mark = liveGroups.get(pid);
  liveGroups.delete(pid);
  unwatchGroup(pid);
  if (mark !== undefined) unwatchMark(mark);
  unwatchDescendants(pid);
}

/**
 * The host is exiting (`process.exit()`, an uncaught exception, the loop ran dry): every live
 * codex gets SIGTERM with its whole tree, listed before the first signal (codex's exit would
 * orphan its commands out of reach), and the sentinel learns the tree, to SIGKILL what outlives
 * the SIGTERM once the host is gone (what carries the attempts' marks, it finds itself).
 */
function killLiveGroups(): void {
  for (const pid of liveGroups.keys()) {
    for (const member of signalTree(pid, "SIGTERM", knownDescendants(pid))) watchGroup(member);
  }
  liveGroups.clear();
}
