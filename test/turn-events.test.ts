import { describe, expect, it } from "@jest/globals";
import { mockCodex } from "./support/mock-codex.js";
import { isAlive } from "./support/processes.js";

describe("the event stream of runStreamed", () => {
  it("starts nothing until the first next(), and return() before it starts nothing at all", async () => {
    const rig = mockCodex([{ turn: "never" }]);
    const { events } = await rig.codex.startThread().runStreamed("hi");
    expect(rig.codex.getSnapshot().threads[0]).toMatchObject({ state: "idle", queued: 0 });
    expect(rig.records()).toEqual([]);
    expect(await events.return(undefined as never)).toEqual({ done: true, value: undefined });
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect(rig.records()).toEqual([]);
  });

  it("answers next() calls made without waiting in order, then reports done with the attempts", async () => {
    const rig = mockCodex([{ turn: "ok" }]);
    const { events } = await rig.codex.startThread().runStreamed("hi");
    const steps = await Promise.all([1, 2, 3, 4, 5, 6].map(() => events.next()));
    expect(steps.map((step) => (step.done ? "done" : step.value.type))).toEqual([
      "thread.started",
      "turn.started",
      "item.completed",
      "turn.completed",
      "done",
      "done",
    ]);
    expect(steps[4]).toEqual({ done: true, value: { status: "completed", attempts: 1 } });
  });

  it("throw() stops the turn, leaves no process, and rejects with the given error", async () => {
    const rig = mockCodex([{ threadStarted: true }, { hang: true }]);
    const { events } = await rig.codex.startThread().runStreamed("hi");
    await events.next();
    const reason = new Error("stop here");
    await expect(events.throw(reason)).rejects.toBe(reason);
    expect(isAlive(rig.records()[0]!.pid!)).toBe(false);
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it("leaving an `await using` scope (Symbol.asyncDispose) stops the turn and leaves no process", async () => {
    const rig = mockCodex([{ threadStarted: true }, { hang: true }]);
    const thread = rig.codex.startThread();
    const { events } = await thread.runStreamed("hi");
    expect((await events.next()).value).toMatchObject({ type: "thread.started" });
    await events[Symbol.asyncDispose]();
    expect(isAlive(rig.records()[0]!.pid!)).toBe(false);
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect(thread.actor.getSnapshot().value).toBe("idle");
  });
});
