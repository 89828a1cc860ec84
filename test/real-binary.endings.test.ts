import { describe, expect, it } from "@jest/globals";
import type { TransportName } from "../src/index.js";
import { message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { eventually, isAlive, pidRecorder, processesMatching } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";

/** A command whose command line is unique to one test, so its process can be found. */
const sleeper = (seconds: string) => `sleep ${seconds}`;

/**
 * The codex process that ran the turn: on exec it is the turn's own and must be gone after an
 * early end; on the app-server it is the shared server, which stays to serve the next turn.
 */
function expectCodexProcesses(transport: TransportName, pids: Set<number>): void {
  expect(pids.size).toBe(1);
  for (const pid of pids) expect(isAlive(pid)).toBe(transport === "app-server");
}

describe.each<TransportName>(["exec", "app-server"])(
  "ending a real turn early (%s)",
  (transport) => {
    /** Streams a turn running `sleep <seconds>` and breaks out of the loop once the command runs. */
    async function breakWhileCommandRuns(seconds: string) {
      const recorder = pidRecorder();
      const rig = await realCodex([
        reply(shellCommand(sleeper(seconds))),
        reply(message("never reached")),
      ]);
      const thread = rig.startThread(rig.makeCodex({ transport, inspect: recorder.inspect }));
      const { events } = await thread.runStreamed("run it");
      for await (const event of events) {
        if (event.type === "item.started" && event.item.type === "command_execution") {
          await eventually(
            () => processesMatching(sleeper(seconds)).length > 0,
            "the command to start",
            10_000,
          );
          break;
        }
      }
      return recorder;
    }

    it("an abort ends the turn with AbortError and kills the command it is running", async () => {
      const command = sleeper(transport === "exec" ? "301.5" : "301.25");
      const recorder = pidRecorder();
      const rig = await realCodex([reply(shellCommand(command)), reply(message("never reached"))]);
      const controller = new AbortController();
      const thread = rig.startThread(rig.makeCodex({ transport, inspect: recorder.inspect }));
      const turn = thread.run("run it", { signal: controller.signal });
      await eventually(() => processesMatching(command).length > 0, "the command to start", 10_000);

      controller.abort();

      await expect(turn).rejects.toMatchObject({ name: "AbortError" });
      expect(processesMatching(command)).toEqual([]);
      expectCodexProcesses(transport, recorder.pids);
    });

    it("breaking out of runStreamed kills the command before the loop exits", async () => {
      const seconds = transport === "exec" ? "302.5" : "302.25";
      const recorder = await breakWhileCommandRuns(seconds);
      expect(processesMatching(sleeper(seconds))).toEqual([]);
      expectCodexProcesses(transport, recorder.pids);
    });
  },
);
