import { afterEach, describe, expect, it } from "@jest/globals";
import diagnostics from "node:diagnostics_channel";
import { CHANNEL_NAMES, type SupervisionPolicy } from "../src/index.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";

const fast: SupervisionPolicy = { backoff: { initialMs: 5, maxMs: 20, jitter: false } };
const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];
const ok: MockStep[] = [{ turn: "done" }];

type Seen = { channel: string; message: Record<string, unknown> };

/** Subscribes to every channel for the test: what was published, in order, by channel name. */
function listen(): Seen[] {
  const seen: Seen[] = [];
  const on = (channel: string) => (message: unknown) =>
    seen.push({ channel, message: { ...(message as Record<string, unknown>) } });
  const plain = [
    CHANNEL_NAMES.attemptStart,
    CHANNEL_NAMES.attemptEnd,
    CHANNEL_NAMES.turnRestart,
    CHANNEL_NAMES.event,
    CHANNEL_NAMES.approvalRequested,
    CHANNEL_NAMES.approvalResolved,
  ];
  const handlers = plain.map((name) => [name, on(name)] as const);
  for (const [name, handler] of handlers) diagnostics.subscribe(name, handler);
  const turn = diagnostics.tracingChannel(CHANNEL_NAMES.turn);
  const tracing = {
    start: on("turn:start"),
    end: on("turn:end"),
    asyncStart: on("turn:asyncStart"),
    asyncEnd: on("turn:asyncEnd"),
    error: on("turn:error"),
  };
  turn.subscribe(tracing);
  unsubscribers.push(() => {
    for (const [name, handler] of handlers) diagnostics.unsubscribe(name, handler);
    turn.unsubscribe(tracing);
  });
  return seen;
}

const unsubscribers: Array<() => void> = [];
afterEach(() => {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
});

/**
 * The channel sequence, with each stream event's type beside `codex-actors:event`. The turn's
 * synchronous `end` comes once it is in the mailbox, before or after its first attempt starts
 * (that depends on a free slot): it is checked to come before any event, then left out.
 */
const sequence = (seen: Seen[]) => {
  const names = seen.map(({ channel, message }) =>
    channel === CHANNEL_NAMES.event
      ? `event ${(message.event as { type: string }).type}`
      : channel.replace("codex-actors:", ""),
  );
  const end = names.indexOf("turn:end");
  const firstEvent = names.findIndex((name) => name.startsWith("event "));
  expect(end).toBeGreaterThan(0);
  if (firstEvent >= 0) expect(end).toBeLessThan(firstEvent);
  return names.filter((name) => name !== "turn:end");
};

describe("diagnostics channels", () => {
  it("a completed turn: turn start/end, attempt start, each event, attempt end, turn asyncStart/asyncEnd", async () => {
    const seen = listen();
    const rig = mockCodex(ok);
    const thread = rig.codex.startThread({ model: "gpt-test", sandboxMode: "read-only" });
    const turn = await thread.run("hi");
    expect(sequence(seen)).toEqual([
      "turn:start",
      "attempt:start",
      "event thread.started",
      "event turn.started",
      "event item.completed",
      "event turn.completed",
      "attempt:end",
      "turn:asyncStart",
      "turn:asyncEnd",
    ]);
    const threadKey = thread.actor.id;
    const pid = rig.records()[0]!.pid;
    const end = seen.find((s) => s.channel === "turn:asyncEnd")!.message;
    expect(end).toMatchObject({
      threadKey,
      threadId: thread.id,
      transport: "exec",
      model: "gpt-test",
      sandbox: "read-only",
      attempt: 1,
      outcome: "completed",
      usage: turn.usage,
    });
    expect(seen.find((s) => s.channel === CHANNEL_NAMES.attemptEnd)!.message).toMatchObject({
      threadKey,
      threadId: thread.id,
      turnId: end.turnId,
      attempt: 1,
      outcome: "completed",
      pid,
      sideEffect: null,
    });
    const event = seen.find((s) => s.channel === CHANNEL_NAMES.event)!.message;
    expect(event).toMatchObject({ threadKey, turnId: end.turnId, attempt: 1 });
  });

  it("a restarted turn: the failed attempt's end, turn:restart with the next attempt and its delay, then attempt 2", async () => {
    const seen = listen();
    const rig = mockCodex({ attempts: [[...started, { exit: 7 }], ok] }, { supervision: fast });
    const thread = rig.codex.startThread();
    await thread.run("hi");
    const lifecycle = sequence(seen).filter((name) => !name.startsWith("event "));
    expect(lifecycle).toEqual([
      "turn:start",
      "attempt:start",
      "attempt:end",
      "turn:restart",
      "attempt:start",
      "attempt:end",
      "turn:asyncStart",
      "turn:asyncEnd",
    ]);
    const [firstEnd, secondEnd] = seen.filter((s) => s.channel === CHANNEL_NAMES.attemptEnd);
    expect(firstEnd!.message).toMatchObject({
      attempt: 1,
      outcome: "failed",
      error: { kind: "exit", message: expect.stringContaining("7") },
    });
    expect(secondEnd!.message).toMatchObject({ attempt: 2, outcome: "completed" });
    expect(seen.find((s) => s.channel === CHANNEL_NAMES.turnRestart)!.message).toMatchObject({
      attempt: 2,
      delayMs: 5,
      error: { kind: "exit" },
    });
    const restarted = seen.find(
      (s) => (s.message.event as { type?: string } | undefined)?.type === "turn.restarted",
    );
    expect(restarted!.message).toMatchObject({ attempt: 1 });
    expect(seen.find((s) => s.channel === "turn:asyncEnd")!.message).toMatchObject({
      attempt: 2,
      outcome: "completed",
    });
  });

  it("a failed turn: error with the CodexError, then asyncStart/asyncEnd with outcome failed", async () => {
    const seen = listen();
    const rig = mockCodex([...started, { exit: 3 }], { supervision: false });
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({ kind: "exit" });
    const tail = sequence(seen)
      .filter((name) => name.startsWith("turn:"))
      .slice(1);
    expect(tail).toEqual(["turn:error", "turn:asyncStart", "turn:asyncEnd"]);
    const error = seen.find((s) => s.channel === "turn:error")!.message;
    expect(error).toMatchObject({ outcome: "failed", error: { name: "CodexExitError" } });
  });

  it("an aborted turn ends its attempt and the turn as aborted", async () => {
    const seen = listen();
    const rig = mockCodex([...started, { hang: true }]);
    const controller = new AbortController();
    const { events } = await rig.codex.startThread().runStreamed("hi", {
      signal: controller.signal,
    });
    const read = async () => {
      for await (const event of events) if (event.type === "turn.started") controller.abort();
    };
    await expect(read()).rejects.toMatchObject({ name: "AbortError" });
    expect(seen.find((s) => s.channel === "turn:asyncEnd")!.message).toMatchObject({
      outcome: "aborted",
    });
    expect(seen.find((s) => s.channel === CHANNEL_NAMES.attemptEnd)!.message).toMatchObject({
      outcome: "aborted",
      error: { kind: "aborted" },
    });
  });

  it("a shutdown ends the running turn as aborted, with kind shutdown", async () => {
    const seen = listen();
    const rig = mockCodex([...started, { hang: true }]);
    const running = rig.codex.startThread().run("hi");
    const rejected = expect(running).rejects.toMatchObject({ kind: "shutdown" });
    await new Promise<void>((resolve) => {
      const check = () =>
        seen.some((s) => (s.message.event as { type?: string })?.type === "turn.started")
          ? resolve()
          : setTimeout(check, 10);
      check();
    });
    await rig.codex.shutdown({ timeoutMs: 0 });
    await rejected;
    expect(seen.find((s) => s.channel === CHANNEL_NAMES.attemptEnd)!.message).toMatchObject({
      outcome: "aborted",
      error: { kind: "shutdown" },
    });
    expect(seen.find((s) => s.channel === "turn:error")!.message).toMatchObject({
      outcome: "aborted",
    });
  });

  it("a subscriber's traceparent on attempt:start reaches the child as TRACEPARENT/TRACESTATE; a malformed one does not", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const carriers = [
      { traceparent, tracestate: "vendor=value" },
      { traceparent: "not-a-traceparent\nX=1" },
    ];
    let next = 0;
    const setCarrier = (message: unknown) =>
      Object.assign((message as { traceCarrier: object }).traceCarrier, carriers[next++]);
    diagnostics.subscribe(CHANNEL_NAMES.attemptStart, setCarrier);
    unsubscribers.push(() => diagnostics.unsubscribe(CHANNEL_NAMES.attemptStart, setCarrier));
    const rig = mockCodex({ attempts: [[...started, { exit: 7 }], ok] }, { supervision: fast });
    await rig.codex.startThread().run("hi");
    const runs = rig.records().filter((r) => r.argv);
    expect(runs.map((r) => [r.traceparent, r.tracestate])).toEqual([
      [traceparent, "vendor=value"],
      [null, null],
    ]);
  });
});
