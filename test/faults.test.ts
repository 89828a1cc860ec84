import { describe, expect, it } from "@jest/globals";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Codex } from "../src/index.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";
import { collect } from "./support/collect.js";
import { eventually, isAlive, whenStalled } from "./support/processes.js";
import { tempDir, tracked } from "./support/rig-registry.js";

const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];

const pidsOf = (records: Array<{ pid?: number; spawned?: number }>) =>
  records
    .flatMap((r) => [r.pid, r.spawned])
    .filter((pid): pid is number => typeof pid === "number");

/** Error shapes without restarts: supervision has tests of its own. */
const unsupervised = { supervision: false } as const;

describe("a codex process that misbehaves (unsupervised)", () => {
  it("crashing mid-stream rejects with CodexExitError carrying the exit code and stderr, after the events so far", async () => {
    const rig = mockCodex(
      [...started, { stderr: "panic: the disk is on fire\n" }, { exit: 3 }],
      unsupervised,
    );
    const { events } = await rig.codex.startThread().runStreamed("hi");
    const { seen, error } = await collect(events);
    expect(seen.map((e) => e.type)).toEqual(["thread.started", "turn.started"]);
    expect(error).toMatchObject({
      name: "CodexExitError",
      kind: "exit",
      exitCode: 3,
      signal: null,
      message: expect.stringContaining("panic: the disk is on fire"),
    });
  });

  it("killed by a signal, rejects naming the signal", async () => {
    const rig = mockCodex([...started, { signal: "SIGKILL" }], unsupervised);
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "CodexExitError",
      signal: "SIGKILL",
      message: expect.stringContaining("killed by SIGKILL"),
    });
  });

  it("exiting 0 without turn.completed is a failure, not an empty success", async () => {
    const rig = mockCodex([...started], unsupervised);
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "CodexExitError",
      exitCode: 0,
      message: expect.stringContaining("before the turn ended"),
    });
  });

  it("printing a garbage line rejects with ProtocolError naming the line, and the process is killed", async () => {
    const rig = mockCodex(
      [...started, { line: "\n" }, { line: "this is not json\n" }, { hang: true }],
      unsupervised,
    );
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "ProtocolError",
      kind: "protocol",
      lineNumber: 4,
      excerpt: "this is not json",
    });
    for (const pid of pidsOf(rig.records())) expect(isAlive(pid)).toBe(false);
  });

  it("keeps only a bounded tail of a flood of stderr", async () => {
    const rig = mockCodex(
      [{ stderr: "early-noise ".repeat(5_000) + "\nthe last words\n" }, { exit: 1 }],
      unsupervised,
    );
    const error = (await rig.codex
      .startThread()
      .run("hi")
      .catch((e: unknown) => e)) as { stderrTail: string };
    expect(error.stderrTail.length).toBeLessThanOrEqual(16 * 1024);
    expect(error.stderrTail).toContain("the last words");
  });

  it("reporting turn.failed yields the event, then rejects with TurnFailedError carrying its message", async () => {
    const rig = mockCodex(
      [
        ...started,
        { emit: { type: "error", message: "Reconnecting... 1/1" } },
        { emit: { type: "turn.failed", error: { message: "rate limit exceeded: slow down" } } },
        { exit: 1 },
      ],
      unsupervised,
    );
    const { events } = await rig.codex.startThread().runStreamed("hi");
    const { seen, error } = await collect(events);
    expect(seen.map((e) => e.type)).toEqual([
      "thread.started",
      "turn.started",
      "error",
      "turn.failed",
    ]);
    expect(error).toMatchObject({
      name: "TurnFailedError",
      message: "rate limit exceeded: slow down",
      exitCode: 1,
    });
  });

  it("reporting turn.failed with an error that says nothing rejects with TurnFailedError 'The turn failed.'", async () => {
    const rig = mockCodex(
      [...started, { emit: { type: "turn.failed", error: {} } }, { exit: 1 }],
      unsupervised,
    );
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "TurnFailedError",
      message: "The turn failed.",
      exitCode: 1,
    });
  });

  it("passes events and items of unknown types through untouched", async () => {
    const future = { type: "turn.planned", plan: { steps: [1, 2] } };
    const futureItem = { type: "item.completed", item: { id: "i9", type: "hologram", frames: 3 } };
    const rig = mockCodex([{ emit: future }, { emit: futureItem }, { turn: "ok" }], unsupervised);
    const turn = await rig.codex.startThread().run("hi");
    expect(turn.items).toContainEqual(futureItem.item);
    const { events } = await rig.codex.startThread().runStreamed("hi");
    const { seen } = await collect(events);
    expect(seen).toContainEqual(future);
  });

  it("delivers a flood of events completely and in order", async () => {
    const rig = mockCodex(
      [...started, { flood: { count: 20_000, bytes: 50 } }, { turn: "done" }],
      unsupervised,
    );
    const turn = await rig.codex.startThread().run("hi");
    const ids = turn.items
      .filter((item) => item.type === "command_execution")
      .map((item) => item.id);
    expect(ids).toHaveLength(20_000);
    expect(ids[0]).toBe("item_0");
    expect(ids[19_999]).toBe("item_19999");
  });

  it("counts the events of an attempt in the exec actor's context", async () => {
    let eventCount = -1;
    const rig = mockCodex([...started, { flood: { count: 5_000, bytes: 50 } }, { turn: "done" }], {
      ...unsupervised,
      inspect: (event) => {
        const context = (event as { snapshot?: { context?: { eventCount?: unknown } } }).snapshot
          ?.context;
        if (typeof context?.eventCount === "number") eventCount = context.eventCount;
      },
    });
    await rig.codex.startThread().run("hi");
    expect(eventCount).toBe(2 + 5_000 + 4);
  });

  it("pauses codex's stdout while the consumer does not read, instead of buffering without bound", async () => {
    const total = 200_000;
    const rig = mockCodex(
      [...started, { flood: { count: total, bytes: 200 } }, { turn: "done" }],
      unsupervised,
    );
    const { events } = await rig.codex.startThread().runStreamed("hi");
    const written = () => Number(readFileSync(rig.progressFile, "utf8"));
    await events.next();
    await eventually(() => {
      try {
        return written() > 0;
      } catch {
        return false;
      }
    }, "the flood to start");
    expect(await whenStalled(written)).toBeLessThan(total / 10);
    let count = 1;
    for await (const _ of events) count += 1;
    expect(count).toBe(2 + total + 4);
  });
});

describe("ending a turn early leaves no process behind", () => {
  const hangingWithChild: MockStep[] = [
    ...started,
    { spawn: ["sleep", "300"] },
    { delayMs: 100 },
    { hang: true },
  ];

  it("aborting through the signal rejects with AbortError and kills codex and its children", async () => {
    const rig = mockCodex(hangingWithChild);
    const controller = new AbortController();
    const { events } = await rig.codex
      .startThread()
      .runStreamed("hi", { signal: controller.signal });
    await events.next();
    await eventually(() => pidsOf(rig.records()).length === 2, "codex to spawn its child");
    const reason = new Error("user pressed stop");
    controller.abort(reason);
    const { error } = await collect(events);
    expect(error).toMatchObject({
      name: "AbortError",
      code: "ABORT_ERR",
      kind: "aborted",
      message: expect.stringContaining("user pressed stop"),
    });
    expect((error as Error).cause).toBe(reason);
    for (const pid of pidsOf(rig.records())) expect(isAlive(pid)).toBe(false);
  });

  it("an already aborted signal rejects without starting a process", async () => {
    const rig = mockCodex([{ turn: "never" }]);
    await expect(
      rig.codex.startThread().run("hi", { signal: AbortSignal.abort("not today") }),
    ).rejects.toMatchObject({ name: "AbortError", code: "ABORT_ERR", cause: "not today" });
    expect(rig.records()).toEqual([]);
  });

  it("breaking out of runStreamed kills codex and its children before the loop exits", async () => {
    const rig = mockCodex(hangingWithChild);
    const { events } = await rig.codex.startThread().runStreamed("hi");
    for await (const event of events) {
      if (event.type === "turn.started") {
        await eventually(() => pidsOf(rig.records()).length === 2, "codex to spawn its child");
        break;
      }
    }
    const pids = pidsOf(rig.records());
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it("an exception in the consumer's loop propagates, and the process is gone", async () => {
    const rig = mockCodex(hangingWithChild);
    const { events } = await rig.codex.startThread().runStreamed("hi");
    const consume = async () => {
      for await (const event of events) {
        if (event.type === "turn.started") {
          await eventually(() => pidsOf(rig.records()).length === 2, "codex to spawn its child");
          throw new Error("consumer bug");
        }
      }
    };
    await expect(consume()).rejects.toThrow("consumer bug");
    for (const pid of pidsOf(rig.records())) expect(isAlive(pid)).toBe(false);
  });
});

describe("failures before any process starts", () => {
  it("an invalid output schema rejects run and runStreamed with OutputSchemaError", async () => {
    const rig = mockCodex([{ turn: "never" }]);
    const thread = rig.codex.startThread();
    const outputSchema = { type: "object", properties: { a: { type: "no-such-type" } } };
    await expect(thread.run("hi", { outputSchema })).rejects.toMatchObject({
      name: "OutputSchemaError",
      kind: "invalid_schema",
    });
    await expect(thread.runStreamed("hi", { outputSchema: "not a schema" })).rejects.toMatchObject({
      name: "OutputSchemaError",
    });
    expect(rig.records()).toEqual([]);
  });

  it("a final response that does not match the schema resolves; reading output throws ajv's messages and the raw text", async () => {
    const rig = mockCodex([{ turn: '{"answer":"forty-two"}' }]);
    const outputSchema = {
      type: "object",
      properties: { answer: { type: "number" } },
      required: ["answer"],
    };
    const mismatch = {
      name: "OutputValidationError",
      kind: "output_validation",
      rawText: '{"answer":"forty-two"}',
      errors: [expect.stringContaining("/answer must be number")],
    };
    const turn = await rig.codex.startThread().run<{ answer: number }>("hi", { outputSchema });
    expect(turn.finalResponse).toBe('{"answer":"forty-two"}');
    expect(JSON.parse(JSON.stringify(turn))).toEqual({
      items: turn.items,
      finalResponse: turn.finalResponse,
      usage: turn.usage,
      attempts: 1,
    });
    expect(() => turn.output).toThrow(expect.objectContaining(mismatch));

    const { events, result } = await rig.codex.startThread().runStreamed("hi", { outputSchema });
    const { error } = await collect(events);
    expect(error).toBeUndefined();
    await expect(result.then((streamed) => streamed.output)).rejects.toMatchObject(mismatch);
  });

  it("with rejectInvalidOutput, a response that matches gives its output at once, as a plain property", async () => {
    const rig = mockCodex([{ turn: '{"answer":42}' }]);
    const turn = await rig.codex.startThread().run("hi", {
      outputSchema: { type: "object", properties: { answer: { type: "number" } } },
      rejectInvalidOutput: true,
    });
    expect(Object.getOwnPropertyDescriptor(turn, "output")).toMatchObject({
      value: { answer: 42 },
    });
  });

  it("with rejectInvalidOutput, such a response rejects the turn (run and runStreamed)", async () => {
    const rig = mockCodex([{ turn: '{"answer":"forty-two"}' }]);
    const options = {
      outputSchema: { type: "object", properties: { answer: { type: "number" } } },
      rejectInvalidOutput: true,
    };
    const mismatch = { name: "OutputValidationError", rawText: '{"answer":"forty-two"}' };
    await expect(rig.codex.startThread().run("hi", options)).rejects.toMatchObject(mismatch);
    const { events, result } = await rig.codex.startThread().runStreamed("hi", options);
    const { seen, error } = await collect(events);
    expect(seen.map((e) => e.type)).toContain("turn.completed");
    expect(error).toMatchObject(mismatch);
    await expect(result).rejects.toMatchObject(mismatch);
    await expect(
      rig.codex.startThread().run("hi", { rejectInvalidOutput: "yes" as unknown as boolean }),
    ).rejects.toMatchObject({ name: "InvalidOptionError", option: "rejectInvalidOutput" });
  });

  it("a response that matches gives typed output from run() and from runStreamed's result", async () => {
    const rig = mockCodex([{ turn: '{"answer":42}' }]);
    const outputSchema = { type: "object", properties: { answer: { type: "number" } } };
    const turn = await rig.codex.startThread().run<{ answer: number }>("hi", { outputSchema });
    expect(turn.output).toEqual({ answer: 42 });
    const { events, result: pending } = await rig.codex
      .startThread()
      .runStreamed<{ answer: number }>("hi", { outputSchema });
    for await (const event of events) void event;
    const result = await pending;
    expect(result.output?.answer).toBe(42);
    expect(result.items).toHaveLength(1);
    expect(result).toMatchObject({ finalResponse: '{"answer":42}', attempts: 1 });
  });

  it("a thread id that could be read as a flag is rejected by resumeThread", () => {
    const rig = mockCodex([]);
    expect(() => rig.codex.resumeThread("--dangerously-bypass-approvals-and-sandbox")).toThrow(
      expect.objectContaining({ name: "InvalidOptionError" }),
    );
  });

  it("a config value TOML cannot say is rejected by the constructor", () => {
    expect(() => new Codex({ config: { sandbox: { limit: null as unknown as number } } })).toThrow(
      /sandbox\.limit cannot be null/,
    );
  });

  /** A file named `codex` that cannot be executed, in a temp folder removed after the test. */
  const notExecutable = () => {
    const file = path.join(tempDir("noexec"), "codex");
    writeFileSync(file, "not executable", { mode: 0o644 });
    return file;
  };

  it("an abort sent while the spawn fails still rejects with AbortError", async () => {
    const controller = new AbortController();
    const turn = tracked(new Codex({ codexPathOverride: notExecutable(), supervision: false }))
      .startThread()
      .run("hi", { signal: controller.signal });
    controller.abort();
    await expect(turn).rejects.toMatchObject({ name: "AbortError" });
  });

  it("an argument Node cannot pass to a process (a NUL in the model's name) rejects with SpawnError, starting nothing", async () => {
    const rig = mockCodex([{ turn: "never" }], unsupervised);
    const turn = rig.codex.startThread({ model: "gpt\u0000x" }).run("hi");
    await expect(turn).rejects.toMatchObject({ name: "SpawnError", kind: "spawn" });
    await expect(turn.catch((error: Error) => String(error.cause))).resolves.toMatch(/null bytes/);
    expect(rig.records()).toEqual([]);
  });

  it("a binary that cannot be executed rejects with SpawnError", async () => {
    const codex = tracked(new Codex({ codexPathOverride: notExecutable() }));
    await expect(codex.startThread().run("hi")).rejects.toMatchObject({
      name: "SpawnError",
      kind: "spawn",
    });
  });
});
