import { describe, expect, it } from "@jest/globals";
import { message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { eventually, isAlive, pidRecorder, processesMatching } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";

/** A command whose command line is unique to one test, so its process can be found. */
const sleeper = (seconds: string) => `sleep ${seconds}`;

/** Streams a turn running `sleep <seconds>` and breaks out of the loop once the command runs. */
async function breakWhileCommandRuns(seconds: string) {
  const recorder = pidRecorder();
  const rig = await realCodex([
    reply(shellCommand(sleeper(seconds))),
    reply(message("never reached")),
  ]);
  const thread = rig.startThread(rig.makeCodex({ inspect: recorder.inspect }));
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

describe("ending a real turn early", () => {
  it("an abort kills codex and the command it is running", async () => {
    const recorder = pidRecorder();
    const rig = await realCodex([
      reply(shellCommand(sleeper("301.5"))),
      reply(message("never reached")),
    ]);
    const controller = new AbortController();
    const thread = rig.startThread(rig.makeCodex({ inspect: recorder.inspect }));
    const turn = thread.run("run it", { signal: controller.signal });
    await eventually(
      () => processesMatching(sleeper("301.5")).length > 0,
      "the command to start",
      10_000,
    );

    controller.abort();

    await expect(turn).rejects.toMatchObject({ name: "AbortError" });
    expect(recorder.pids.size).toBe(1);
    for (const pid of recorder.pids) expect(isAlive(pid)).toBe(false);
    expect(processesMatching(sleeper("301.5"))).toEqual([]);
  });

  it("breaking out of runStreamed kills codex and the command before the loop exits", async () => {
    const recorder = await breakWhileCommandRuns("302.5");
    expect(recorder.pids.size).toBe(1);
    for (const pid of recorder.pids) expect(isAlive(pid)).toBe(false);
    expect(processesMatching(sleeper("302.5"))).toEqual([]);
  });
});
