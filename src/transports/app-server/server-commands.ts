import { killMarked } from "../../process/process-group.js";
import { environmentOf } from "../../process/process-environment.js";
import { descendantsOf } from "../../process/process-tree.js";

/** The environment entry codex gives every command it runs for the thread `threadId`. */
export function threadMarkOf(threadId: string): string {
  return `CODEX_THREAD_ID=${threadId}`;
}

/**
 * SIGKILLs the commands an app-server ran for one thread, with the groups they lead: every
 * process of the host's user whose environment carries `CODEX_THREAD_ID=<threadId>`, which codex
 * sets for the commands of that thread (inherited by theirs, orphans in sessions of their own
 * included), never the server itself nor another thread's commands. Where environments cannot be
 * read (no /proc), the server's descendants are the thread's when it is `alone` on the server, and
 * none are otherwise. Returns the pids signalled.
 */
export function killThreadCommands(serverPid: number, threadId: string, alone: boolean): number[] {
  if (environmentOf(process.pid) !== null) return killMarked(threadMarkOf(threadId), [serverPid]);
  const commands = alone ? descendantsOf(serverPid) : [];
  for (const pid of commands) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // Gone already, or not a group leader.
      }
    }
  }
  return commands;
}
