import { descendantsOf } from "../../actors/process-tree.js";

/**
 * SIGKILLs the commands an app-server runs (its descendants, with the groups they lead), never
 * the server itself: an interrupted turn's command outlives the interrupt otherwise (codex 0.169
 * leaves it running). Returns the pids signalled.
 */
export function killServerCommands(serverPid: number): number[] {
  const commands = descendantsOf(serverPid);
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
