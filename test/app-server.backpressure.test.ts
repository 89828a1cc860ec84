import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { OutputGate } from "../src/transports/app-server/output-gate.js";
import { fakeServerCodex } from "./support/fake-app-server.js";
import {
  agentMessage,
  FAKE_THREAD,
  threadAnswered,
  turnAnswered,
  turnEnded,
  turnRequested,
  turnStarted,
} from "./support/fake-turn-steps.js";
import { eventually, whenStalled } from "./support/processes.js";

const running = [...threadAnswered, ...turnRequested, turnAnswered, turnStarted];
const ofTheTurn = { threadId: FAKE_THREAD, turnId: "fake-turn" };

describe("backpressure on the app-server transport", () => {
  it("pauses the server's stdout while the consumer does not read, then delivers every delta", async () => {
    const total = 200_000;
    const rig = fakeServerCodex([
      ...running,
      { flood: { count: total, bytes: 200, params: ofTheTurn } },
      agentMessage("done"),
      turnEnded.completed,
    ]);
    const written = () => {
      try {
        return Number(readFileSync(rig.progressFile, "utf8"));
      } catch {
        return 0;
      }
    };
    const { events } = await rig.codex.startThread().runStreamed("hi", { deltas: true });
    await events.next();
    await eventually(() => written() > 0, "the flood to start");
    expect(await whenStalled(written)).toBeLessThan(total / 10);
    let deltas = 0;
    for await (const event of events) if (event.type === "item.delta") deltas += 1;
    expect(deltas).toBe(total);
  });
});

describe("OutputGate", () => {
  it("pauses the stream while any hold is paused, and reads on once none is or all are released", () => {
    const calls: string[] = [];
    const gate = new OutputGate({
      pause: () => calls.push("pause"),
      resume: () => calls.push("resume"),
    });
    const [a, b] = [gate.hold(), gate.hold()];
    a.pause();
    b.pause();
    a.resume();
    expect(gate.paused).toBe(true);
    b.release();
    expect(gate.paused).toBe(false);
    b.pause(); // a released hold no longer pauses
    a.pause();
    a.release();
    expect(calls).toEqual(["pause", "resume", "pause", "resume"]);
  });
});
