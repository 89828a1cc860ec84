import { environmentOf } from "../../actors/process-environment.js";
import { descendantsOf } from "../../actors/process-tree.js";

/**
 * SIGKILLs the commands an app-server runs for one thread (its descendants whose environment has
 * `CODEX_THREAD_ID=<threadId>`, which codex sets for the commands of that thread, with the groups
 * they lead), never the server itself nor another thread's commands: an interrupted turn's
 * command outlives the interrupt otherwise (codex 0.169 leaves it running). Where environments
 * cannot be read (no /proc), every command is the thread's when it is `alone` on the server, and
 * none otherwise. Returns the pids signalled.
 */
export function killThreadCommands(serverPid: number, threadId: string, alone: boolean): number[] {
  const marker = `CODEX_THREAD_ID=${threadId}`;
  const commands = descendantsOf(serverPid).filter((pid) => {
    const environment = environmentOf(pid);
    return environment === null ? alone : environment.includes(marker);
  });
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
