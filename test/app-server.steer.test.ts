import { describe, expect, it } from "@jest/globals";
import { message, reply, shellCommand } from "../src/model-stand-in/index.js";
import {
  TurnInterruptedError,
  TurnNotRunningError,
  UnsupportedError,
} from "../src/types/app-server-errors.js";
import { AbortError } from "../src/types/errors.js";
import { collect } from "./support/collect.js";
import { fakeServerCodex } from "./support/fake-app-server.js";
import { agentMessage, runningTurn, turnEnded } from "./support/fake-turn-steps.js";
import { eventually, processesMatching } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";

const STEER = "Also update CHANGELOG.md";

/** `promise`, or a rejection naming `what` if it has not settled within 5 s (a hang). */
const settlesSoon = <T>(promise: Promise<T>, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      const hang = setTimeout(() => reject(new Error(`${what} did not settle`)), 5_000);
      void promise.finally(() => clearTimeout(hang)).catch(() => undefined);
    }),
  ]);

/** Every text the model request carries, flattened. */
const textOf = (body: unknown) => JSON.stringify(body);

describe("talking to a running turn", () => {
  it("steer(): the model's next request carries the steered input", async () => {
    const rig = await realCodex([reply(shellCommand("sleep 1.5")), reply(message("steered"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const turn = await rig.startThread(codex).runStreamed("fix the test");
    let steered: Promise<void> | undefined;
    for await (const event of turn.events) {
      if (event.type === "item.started" && event.item.type === "command_execution")
        steered = turn.steer(STEER);
    }
    await steered;
    expect((await turn.result).finalResponse).toBe("steered");
    expect(rig.standIn.requests).toHaveLength(2);
    expect(textOf(rig.standIn.requests[0]!.body)).not.toContain(STEER);
    expect(textOf(rig.standIn.requests[1]!.body)).toContain(STEER);
    await expect(turn.steer("too late")).rejects.toBeInstanceOf(TurnNotRunningError);
  });

  it("interrupt() on the app-server: the turn ends interrupted, its command is gone, no restart", async () => {
    const command = "sleep 309.5";
    const rig = await realCodex([reply(shellCommand(command)), reply(message("never"))]);
    const codex = rig.makeCodex({ transport: "app-server", supervision: { restart: "permanent" } });
    const turn = await rig.startThread(codex).runStreamed("run it");
    let interrupted: Promise<void> | undefined;
    const reading = (async () => {
      for await (const event of turn.events) {
        if (event.type === "item.started" && event.item.type === "command_execution")
          interrupted = turn.interrupt();
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(TurnInterruptedError);
    await interrupted;
    await eventually(() => processesMatching(command).length === 0, "the command to end", 5_000);
    expect(rig.standIn.requests).toHaveLength(1);
  });

  it("interrupt() with two threads on one server ends only the interrupted thread's command", async () => {
    const [mine, theirs] = ["sleep 309.6", "sleep 309.7"];
    const rig = await realCodex([reply(shellCommand(mine)), reply(shellCommand(theirs))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    // Reads up to the command's start without ending the iteration (a `return` would cancel the turn).
    const commandStarted = async (events: AsyncIterator<{ type: string; item?: unknown }>) => {
      for (;;) {
        const { done, value } = await events.next();
        if (done) throw new Error("the turn ended before its command started");
        if (
          value.type === "item.started" &&
          (value.item as { type: string }).type === "command_execution"
        )
          return;
      }
    };
    const first = await rig.startThread(codex).runStreamed("run mine");
    await commandStarted(first.events);
    const second = await rig.startThread(codex).runStreamed("run theirs");
    await commandStarted(second.events);
    await eventually(
      () => processesMatching(mine).length > 0 && processesMatching(theirs).length > 0,
      "both commands to run",
    );
    const ends = [first, second].map(({ events }) => collect(events));
    await first.interrupt();
    expect((await ends[0])!.error).toBeInstanceOf(TurnInterruptedError);
    await eventually(() => processesMatching(mine).length === 0, "the interrupted command to end");
    expect(processesMatching(theirs).length).toBeGreaterThan(0);
    await second.interrupt();
    expect((await ends[1])!.error).toBeInstanceOf(TurnInterruptedError);
    await eventually(() => processesMatching(theirs).length === 0, "the other command to end");
  });

  it("interrupt() on exec ends the attempt: TurnInterruptedError, no codex left; steer() is unsupported", async () => {
    const command = "sleep 310.5";
    const rig = await realCodex([reply(shellCommand(command)), reply(message("never"))]);
    const turn = await rig.startThread().runStreamed("run it");
    await expect(turn.steer(STEER)).rejects.toBeInstanceOf(UnsupportedError);
    const reading = (async () => {
      for await (const event of turn.events) {
        if (event.type === "item.started" && event.item.type === "command_execution")
          void turn.interrupt();
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(TurnInterruptedError);
    expect(processesMatching(command)).toEqual([]);
  });

  it("steer() on a turn aborted before its first event rejects at once with TurnNotRunningError, also after the stream threw", async () => {
    const rig = await realCodex([reply(message("never"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const controller = new AbortController();
    controller.abort();
    const turn = await rig.startThread(codex).runStreamed("hi", { signal: controller.signal });
    const early = turn.steer(STEER);
    await expect(collect(turn.events)).resolves.toMatchObject({ error: expect.any(AbortError) });
    await expect(settlesSoon(early, "the steer made before")).rejects.toBeInstanceOf(
      TurnNotRunningError,
    );
    await expect(settlesSoon(turn.steer(STEER), "the steer made after")).rejects.toBeInstanceOf(
      TurnNotRunningError,
    );
    expect(rig.standIn.requests).toHaveLength(0);
  });

  it("steer() on a turn interrupted before its first event rejects at once with TurnNotRunningError", async () => {
    const rig = await realCodex([reply(message("never"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const turn = await rig.startThread(codex).runStreamed("hi");
    await turn.interrupt();
    await expect(settlesSoon(turn.steer(STEER), "the steer")).rejects.toBeInstanceOf(
      TurnNotRunningError,
    );
    const { error } = await collect(turn.events);
    expect(error).toBeInstanceOf(TurnInterruptedError);
    expect(rig.standIn.requests).toHaveLength(0);
  });

  it("steer() called before the turn runs waits for it, then reaches the running turn", async () => {
    // The fake answers nothing more until the steer comes: without it, the turn never ends.
    const rig = fakeServerCodex([
      ...runningTurn,
      { expect: "turn/steer" },
      { respond: { turnId: "fake-turn" } },
      agentMessage("steered"),
      turnEnded.completed,
    ]);
    const turn = await rig.codex.startThread().runStreamed("go");
    const steered = turn.steer(STEER).then(
      () => "steered",
      (e: unknown) => e,
    );
    const { error } = await collect(turn.events);
    expect(error).toBeUndefined();
    expect(await settlesSoon(steered, "the early steer")).toBe("steered");
    expect((await turn.result).finalResponse).toBe("steered");
  });

  it("steer() that reaches the server just after its turn ended (-32600) rejects with TurnNotRunningError", async () => {
    // The real server's answer to a steer of a turn that is over (seen on 0.169.0).
    const noActiveTurn = { code: -32600, message: "no active turn to steer" };
    const rig = fakeServerCodex([
      ...runningTurn,
      { expect: "turn/steer" },
      { respondError: noActiveTurn },
      agentMessage("done"),
      turnEnded.completed,
    ]);
    const turn = await rig.codex.startThread().runStreamed("go");
    let steered: Promise<unknown> | undefined;
    for await (const event of turn.events) {
      if (event.type === "turn.started") steered = turn.steer(STEER).catch((e: unknown) => e);
    }
    const error = await steered;
    expect(error).toBeInstanceOf(TurnNotRunningError);
    expect((error as Error).message).toContain("no active turn to steer");
    expect((await turn.result).finalResponse).toBe("done");
  });
});
