import { describe, expect, it } from "@jest/globals";
import type { SupervisionPolicy } from "../src/index.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";
import { collect } from "./support/collect.js";
import { eventually, isAlive, pidRecorder, processesMatching } from "./support/processes.js";

const fast: SupervisionPolicy = { backoff: { initialMs: 5, maxMs: 20, jitter: false } };
const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];
const ok: MockStep[] = [{ turn: "recovered" }];

describe("restarting failed attempts", () => {
  const crashes: Array<[string, MockStep[]]> = [
    ["by SIGKILL before any output", [{ signal: "SIGKILL" }]],
    ["by SIGKILL after thread.started", [{ threadStarted: true }, { signal: "SIGKILL" }]],
    ["after turn.started", [...started, { exit: 1 }]],
    ["in the middle of a line", [...started, { line: '{"type":"item.upd' }, { exit: 1 }]],
    ["by SIGKILL", [...started, { signal: "SIGKILL" }]],
    ["by SIGSEGV", [...started, { signal: "SIGSEGV" }]],
  ];

  it.each(crashes)("restarts a crash %s and succeeds on the next attempt", async (_, crash) => {
    const rig = mockCodex({ attempts: [crash, ok] }, { supervision: fast });
    const turn = await rig.codex.startThread().run("hi");
    expect(turn.finalResponse).toBe("recovered");
    expect(turn.attempts).toBe(2);
    expect(rig.records().filter((r) => r.argv)).toHaveLength(2);
  });

  it("announces each restart in the stream before the new attempt, and resumes the same thread", async () => {
    const rig = mockCodex({ attempts: [[...started, { exit: 7 }], ok] }, { supervision: fast });
    const thread = rig.codex.startThread();
    const { events } = await thread.runStreamed("hi");
    const { seen, error } = await collect(events);
    expect(error).toBeUndefined();
    const restartAt = seen.findIndex((e) => e.type === "turn.restarted");
    expect(seen[restartAt]).toEqual({
      type: "turn.restarted",
      attempt: 2,
      delayMs: 5,
      error: { kind: "exit", message: expect.stringContaining("exited with code 7") },
    });
    expect(seen.slice(restartAt + 1).map((e) => e.type)).toEqual([
      "thread.started",
      "turn.started",
      "item.completed",
      "turn.completed",
    ]);
    const [first, second] = rig.records().filter((r) => r.argv);
    expect(first!.argv).not.toContain("resume");
    expect(second!.argv!.slice(-2)).toEqual(["resume", thread.id]);
  });

  it("rejects with RestartLimitError listing every attempt once maxRestarts is used up", async () => {
    const rig = mockCodex([...started, { exit: 3 }], { supervision: { ...fast, maxRestarts: 2 } });
    const failure = (await rig.codex
      .startThread()
      .run("hi")
      .catch((e: unknown) => e)) as { name: string; failures: Array<{ exitCode: number }> };
    expect(failure.name).toBe("RestartLimitError");
    expect(failure.failures).toHaveLength(3);
    expect(failure.failures.every((f) => f.exitCode === 3)).toBe(true);
    expect(rig.records().filter((r) => r.argv)).toHaveLength(3);
  });

  it('never restarts under restart: "temporary"', async () => {
    const rig = mockCodex(
      { attempts: [[...started, { exit: 1 }], ok] },
      { supervision: { ...fast, restart: "temporary" } },
    );
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "CodexExitError",
      notRetried: expect.stringContaining("temporary"),
    });
    expect(rig.records().filter((r) => r.argv)).toHaveLength(1);
  });

  it("does not restart a non-transient failure (authentication) under the default policy", async () => {
    const unauthorized = [
      ...started,
      {
        emit: {
          type: "turn.failed",
          error: { message: "unexpected status 401 Unauthorized: bad key" },
        },
      },
      { exit: 1 },
    ];
    const rig = mockCodex({ attempts: [unauthorized, ok] }, { supervision: fast });
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "TurnFailedError",
    });
    expect(rig.records().filter((r) => r.argv)).toHaveLength(1);
  });

  it('restarts a protocol error under restart: "permanent"', async () => {
    const garbage = [...started, { line: "garbage\n" }, { hang: true }];
    const rig = mockCodex(
      { attempts: [garbage, ok] },
      { supervision: { ...fast, restart: "permanent" } },
    );
    const turn = await rig.codex.startThread().run("hi");
    expect(turn.attempts).toBe(2);
  });

  it("uses a custom isTransient instead of the default classification", async () => {
    const rig = mockCodex(
      { attempts: [[...started, { exit: 1 }], ok] },
      { supervision: { ...fast, isTransient: () => false } },
    );
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "CodexExitError",
    });
  });

  it("says on a failure, with supervision: false on the Codex, that supervision is off", async () => {
    const rig = mockCodex({ attempts: [[...started, { exit: 1 }], ok] }, { supervision: false });
    await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "CodexExitError",
      notRetried: "supervision is off",
    });
    expect(rig.records().filter((r) => r.argv)).toHaveLength(1);
    rig.close();
  });

  it("does not restart after a command started, and says why; restartAfterSideEffects does", async () => {
    const command = {
      id: "c1",
      type: "command_execution",
      command: "rm -rf build",
      aggregated_output: "",
      status: "in_progress",
    };
    const sideEffect = [...started, { emit: { type: "item.started", item: command } }, { exit: 1 }];
    const cautious = mockCodex({ attempts: [sideEffect, ok] }, { supervision: fast });
    await expect(cautious.codex.startThread().run("hi")).rejects.toMatchObject({
      name: "CodexExitError",
      notRetried: expect.stringContaining("command_execution"),
      message: expect.stringContaining("restartAfterSideEffects"),
    });

    const bold = mockCodex(
      { attempts: [sideEffect, ok] },
      { supervision: { ...fast, restartAfterSideEffects: true } },
    );
    expect((await bold.codex.startThread().run("hi")).attempts).toBe(2);
  });

  it("a thread's own policy overrides the Codex's, and false turns supervision off", async () => {
    const rig = mockCodex({ attempts: [[...started, { exit: 1 }], ok] }, { supervision: fast });
    await expect(rig.codex.startThread({ supervision: false }).run("hi")).rejects.toMatchObject({
      name: "CodexExitError",
      notRetried: "supervision is off",
    });
    expect((await rig.codex.startThread().run("hi")).attempts).toBe(1);
  });
});

describe("timeouts", () => {
  it("kills a hung attempt after idleTimeoutMs and restarts it", async () => {
    const rig = mockCodex({ attempts: [[...started, { hang: true }], ok] }, { supervision: fast });
    // Generous: the attempt that answers must print within it even on a loaded machine.
    const { events } = await rig.codex.startThread().runStreamed("hi", { idleTimeoutMs: 2_000 });
    const { seen, error } = await collect(events);
    expect(error).toBeUndefined();
    expect(seen.find((e) => e.type === "turn.restarted")).toMatchObject({
      error: { kind: "idle_timeout" },
    });
    const [hung] = rig.records().filter((r) => r.argv);
    expect(isAlive(hung!.pid!)).toBe(false);
  });

  it("ends an attempt that goes quiet after turn.completed as completed, neither restarted nor failed", async () => {
    const rig = mockCodex([{ turn: "done" }, { hang: true }], { supervision: fast });
    // Generous: mock-codex must start and print within it even on a loaded machine.
    const idleTimeoutMs = 2_000;
    const { events } = await rig.codex.startThread().runStreamed("hi", { idleTimeoutMs });
    const { seen, error } = await collect(events);
    expect(error).toBeUndefined();
    expect(seen.map((e) => e.type)).toEqual([
      "thread.started",
      "turn.started",
      "item.completed",
      "turn.completed",
    ]);
    const runs = rig.records().filter((r) => r.argv);
    expect(runs).toHaveLength(1);
    expect(isAlive(runs[0]!.pid!)).toBe(false);
    const turn = await rig.codex.startThread().run("again", { idleTimeoutMs });
    expect(turn).toMatchObject({ finalResponse: "done", attempts: 1 });
    rig.close();
  });

  it("stops a turn at timeoutMs with TurnTimeoutError, without restarting it", async () => {
    const recorder = pidRecorder();
    const rig = mockCodex([...started, { spawn: ["sleep", "300"] }, { hang: true }], {
      supervision: fast,
      inspect: recorder.inspect,
    });
    await expect(rig.codex.startThread().run("hi", { timeoutMs: 1_000 })).rejects.toMatchObject({
      name: "TurnTimeoutError",
      kind: "turn_timeout",
    });
    expect(recorder.pids.size).toBe(1);
    const children = rig.records().flatMap((r) => (r.spawned ? [r.spawned] : []));
    for (const pid of [...recorder.pids, ...children]) expect(isAlive(pid)).toBe(false);
  });

  it("counts restarts and backoff inside timeoutMs", async () => {
    const rig = mockCodex([...started, { exit: 1 }], {
      supervision: { maxRestarts: 100, backoff: { initialMs: 150, jitter: false } },
    });
    await expect(rig.codex.startThread().run("hi", { timeoutMs: 500 })).rejects.toMatchObject({
      name: "TurnTimeoutError",
    });
  });
});

describe("timeoutMs and the queues before a turn's first attempt", () => {
  it("does not count the wait for a concurrency slot: the deadline starts with the first attempt", async () => {
    const rig = mockCodex(
      { attempts: [[{ delayMs: 2_500 }, { turn: "slow" }], [{ turn: "queued, then quick" }]] },
      { maxConcurrentTurns: 1 },
    );
    const slow = rig.codex.startThread().run("holds the only slot");
    await eventually(() => rig.records().length === 1, "the slow turn to start");
    const queued = rig.codex.startThread().run("waits for it", { timeoutMs: 2_000 });
    await eventually(
      () => rig.codex.getSnapshot().threads[1]?.state === "busy.acquiring",
      "the second turn to wait for a slot",
    );
    expect((await queued).finalResponse).toBe("queued, then quick");
    expect((await slow).finalResponse).toBe("slow");
    rig.close();
  });

  it("does not count the wait in the thread's mailbox either", async () => {
    const rig = mockCodex({ attempts: [[{ delayMs: 2_500 }, { turn: "first" }], ok] });
    const thread = rig.codex.startThread();
    const first = thread.run("first");
    const second = thread.run("second", { timeoutMs: 2_000 });
    expect((await first).finalResponse).toBe("first");
    expect((await second).finalResponse).toBe("recovered");
    rig.close();
  });
});

describe("stopping a turn during a restart backoff", () => {
  const slowRestart: SupervisionPolicy = { backoff: { initialMs: 60_000, jitter: false } };

  it("an abort rejects at once and no new attempt starts", async () => {
    const rig = mockCodex(
      { attempts: [[...started, { exit: 1 }], ok] },
      { supervision: slowRestart },
    );
    const controller = new AbortController();
    const thread = rig.codex.startThread();
    const turn = thread.run("hi", { signal: controller.signal });
    await eventually(
      () => rig.codex.getSnapshot().threads[0]?.state === "busy.backingOff",
      "the backoff",
    );
    const reason = { why: "the user left" };
    controller.abort(reason);
    await expect(turn).rejects.toMatchObject({ name: "AbortError", code: "ABORT_ERR" });
    await turn.catch((error: Error) => expect(error.cause).toBe(reason));
    expect(rig.records().filter((r) => r.argv)).toHaveLength(1);
    expect(thread.actor.getSnapshot().value).toBe("idle");
  });

  it("a shutdown rejects it with ShutdownError and no new attempt starts", async () => {
    const rig = mockCodex(
      { attempts: [[...started, { exit: 1 }], ok] },
      { supervision: slowRestart },
    );
    const turn = rig.codex.startThread().run("hi");
    await eventually(
      () => rig.codex.getSnapshot().threads[0]?.state === "busy.backingOff",
      "the backoff",
    );
    await rig.codex.shutdown();
    await expect(turn).rejects.toMatchObject({ name: "ShutdownError" });
    expect(rig.records().filter((r) => r.argv)).toHaveLength(1);
  });
});

describe("the mailbox of a thread", () => {
  it("runs turns asked for at once one at a time, in call order, each continuing the last", async () => {
    const rig = mockCodex([{ delayMs: 150 }, { turn: "done" }]);
    const thread = rig.codex.startThread();
    const order: string[] = [];
    const turns = ["first", "second", "third"].map((prompt) =>
      thread.run(prompt).then(() => order.push(prompt)),
    );
    await eventually(() => rig.codex.getSnapshot().threads[0]?.queued === 2, "two queued turns");
    await Promise.all(turns);
    expect(order).toEqual(["first", "second", "third"]);
    const runs = rig.records().filter((r) => r.argv);
    expect(runs.map((r) => r.stdin)).toEqual(["first", "second", "third"]);
    expect(runs[0]!.argv).not.toContain("resume");
    expect(runs[1]!.argv!.slice(-2)).toEqual(["resume", thread.id]);
    expect(runs[2]!.argv!.slice(-2)).toEqual(["resume", thread.id]);
  });
});

describe("the Codex root", () => {
  it("never runs more than maxConcurrentTurns processes at once, and serves the rest FIFO", async () => {
    const marker = `marker_${process.pid}_${Date.now()}`;
    const granted: unknown[] = [];
    let mostRunning = 0;
    const rig = mockCodex([{ delayMs: 200 }, { turn: "done" }], {
      maxConcurrentTurns: 2,
      configOverrides: [`${marker}=1`],
      inspect: (event) => {
        if (event.type === "@xstate.event" && event.event.type === "slot.granted")
          granted.push(event.actorRef);
        // Only the root's context has `running`: the slots it has handed out.
        const running = (event as { snapshot?: { context?: { running?: unknown } } }).snapshot
          ?.context?.running;
        if (typeof running === "number") mostRunning = Math.max(mostRunning, running);
      },
    });
    let peak = 0;
    const sampler = setInterval(
      () => (peak = Math.max(peak, processesMatching(marker).length)),
      10,
    );
    const threads = [0, 1, 2, 3, 4, 5].map(() => rig.codex.startThread());
    await Promise.all(threads.map((thread, n) => thread.run(`turn ${n}`)));
    clearInterval(sampler);
    expect(mostRunning).toBe(2);
    expect(peak).toBeLessThanOrEqual(2);
    expect(rig.records().filter((r) => r.argv)).toHaveLength(6);
    const order = granted.map((actor) => threads.findIndex((thread) => thread.actor === actor));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("escalates after too many failed turns, refusing turns until reset()", async () => {
    const rig = mockCodex(
      { attempts: [[...started, { exit: 1 }], [...started, { exit: 1 }], ok] },
      {
        supervision: false,
        escalation: { maxFailures: 1, withinMs: 60_000 },
      },
    );
    const thread = rig.codex.startThread();
    await expect(thread.run("1")).rejects.toMatchObject({ name: "CodexExitError" });
    expect(rig.codex.getSnapshot().state).toBe("running");
    await expect(thread.run("2")).rejects.toMatchObject({ name: "CodexExitError" });
    expect(rig.codex.getSnapshot().state).toBe("escalated");
    await expect(rig.codex.startThread().run("3")).rejects.toMatchObject({
      name: "EscalatedError",
      kind: "escalated",
    });
    expect(rig.records().filter((r) => r.argv)).toHaveLength(2);

    rig.codex.reset();
    expect(rig.codex.getSnapshot().state).toBe("running");
    expect((await thread.run("4")).finalResponse).toBe("recovered");
  });

  it("with one slot, counts a failure before handing the slot on: a queued turn never starts once the breaker trips", async () => {
    const rig = mockCodex([...started, { delayMs: 200 }, { exit: 1 }], {
      supervision: false,
      maxConcurrentTurns: 1,
      escalation: { maxFailures: 0, withinMs: 60_000 },
    });
    const failing = rig.codex.startThread().run("fails");
    await eventually(() => rig.records().length === 1, "the first turn to start");
    const queued = rig.codex.startThread().run("waits for the slot");
    await expect(failing).rejects.toMatchObject({ name: "CodexExitError" });
    await expect(queued).rejects.toMatchObject({ name: "EscalatedError" });
    expect(rig.records().filter((r) => r.argv)).toHaveLength(1);
    expect(rig.codex.getSnapshot().state).toBe("escalated");
    rig.close();
  });

  it("shutdown refuses new turns, cancels queued ones, kills running ones after timeoutMs, and leaves no process", async () => {
    const rig = mockCodex([...started, { spawn: ["sleep", "300"] }, { hang: true }]);
    const thread = rig.codex.startThread();
    const running = thread.run("running");
    const queued = thread.run("queued");
    await eventually(() => rig.records().some((r) => r.spawned), "the running turn's child");

    const shutdown = rig.codex.shutdown({ timeoutMs: 200 });
    await expect(queued).rejects.toMatchObject({ name: "ShutdownError" });
    await expect(thread.run("late on this thread")).rejects.toMatchObject({
      name: "ShutdownError",
    });
    await expect(rig.codex.startThread().run("late")).rejects.toMatchObject({
      name: "ShutdownError",
    });
    await shutdown;
    await expect(running).rejects.toMatchObject({ name: "ShutdownError" });
    for (const pid of rig.records().flatMap((r) => [r.pid, r.spawned]))
      if (pid) expect(isAlive(pid)).toBe(false);
    expect(rig.codex.getSnapshot().state).toBe("stopped");
  });

  it("shutdown refuses a turn still waiting for a concurrency slot: it never starts", async () => {
    const rig = mockCodex([...started, { hang: true }], { maxConcurrentTurns: 1 });
    const running = rig.codex.startThread().run("running");
    await eventually(() => rig.records().length > 0, "the running turn's codex");
    const waiting = rig.codex.startThread().run("waiting");
    const outcomes = Promise.allSettled([running, waiting]);
    await eventually(
      () => JSON.stringify(rig.codex.getSnapshot()).includes("acquiring"),
      "the second turn to wait for a slot",
    );
    await rig.codex.shutdown({ timeoutMs: 0 });
    expect(await outcomes).toMatchObject([
      { status: "rejected", reason: { name: "ShutdownError" } },
      { status: "rejected", reason: { name: "ShutdownError" } },
    ]);
    expect(rig.records().map((r) => r.stdin)).toEqual(["running"]);
  });

  it("aborting a turn queued behind another rejects it with AbortError; it never runs, the next one does", async () => {
    const rig = mockCodex({
      attempts: [[{ delayMs: 300 }, { turn: "first" }], [{ turn: "second" }]],
    });
    const thread = rig.codex.startThread();
    const running = thread.run("running");
    const controller = new AbortController();
    const queued = thread.run("queued", { signal: controller.signal });
    await eventually(() => rig.records().length > 0, "the running turn's codex");
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: "AbortError" });
    expect((await running).finalResponse).toBe("first");
    expect((await thread.run("next")).finalResponse).toBe("second");
    expect(rig.records().map((r) => r.stdin)).toEqual(["running", "next"]);
  });

  it("shutdown lets a running turn finish within timeoutMs", async () => {
    const rig = mockCodex([{ delayMs: 200 }, { turn: "finished in time" }]);
    const turn = rig.codex.startThread().run("hi");
    await eventually(() => rig.records().length > 0, "the turn to start");
    await rig.codex.shutdown({ timeoutMs: 5_000 });
    expect((await turn).finalResponse).toBe("finished in time");
  });

  it("hands every actor of the tree (root, thread, exec attempt, process) to the inspector", async () => {
    const seen = new Set<string>();
    const rig = mockCodex([{ turn: "ok" }], {
      inspect: (event) => {
        if (event.type === "@xstate.actor") {
          const actor = event.actorRef as unknown as {
            src: string | { id?: string };
            logic: { id?: string };
          };
          const name = typeof actor.src === "string" ? actor.src : (actor.src.id ?? "callback");
          const machine = actor.logic.id;
          seen.add(machine && machine !== name ? `${name} (${machine})` : name);
        }
      },
    });
    await rig.codex.startThread().run("hi");
    expect([...seen]).toEqual(
      expect.arrayContaining(["codex", "thread", "attempt (exec)", "codexProcess"]),
    );
  });

  it("shows the actor tree as plain JSON", async () => {
    const rig = mockCodex([...started, { hang: true }]);
    const thread = rig.codex.startThread();
    const turn = thread.run("hi").catch((e: unknown) => e);
    await eventually(() => {
      const [shown] = rig.codex.getSnapshot().threads;
      return typeof shown?.id === "string" && shown.turn?.state === "running.streaming";
    }, "the thread id, while the turn streams");
    await eventually(() => rig.records().length > 0, "the record of the run");
    const tree = rig.codex.getSnapshot();
    // One turn started, no usage reported yet (exec reports it when the turn completes).
    expect(JSON.parse(JSON.stringify(tree))).toEqual({
      state: "running",
      spent: { tokens: 0, turns: 1 },
      restarts: 0,
      recentFailures: [],
      threads: [
        {
          key: thread.actor.id,
          id: expect.any(String),
          label: thread.actor.id,
          name: null,
          workingDirectory: null,
          status: "running",
          lastOutcome: null,
          state: "busy.attempting",
          queued: 0,
          restarts: 0,
          spent: { tokens: 0, turns: 1 },
          turn: {
            number: 1,
            state: "running.streaming",
            pid: rig.records()[0]!.pid,
            attempt: 1,
            tokens: 0,
          },
        },
      ],
    });
    await rig.codex.shutdown({ timeoutMs: 0 });
    await turn;
  });
});

describe("codex refusing to start the turn (an error exit before turn.started)", () => {
  const refusals: Array<[string, number, string]> = [
    ["a retired setting", 1, 'Error: approval_policy = "untrusted" is no longer supported'],
    ["a usage error without a Usage: line", 2, "error: invalid value 'bogus' for '--sandbox'"],
  ];
  const policies: SupervisionPolicy[] = [
    fast,
    { ...fast, restart: "permanent" },
    { ...fast, isTransient: () => true, restartServiceFailures: true },
  ];

  it.each(refusals)(
    "rejects %s with CodexConfigError carrying the binary's line, after one process, under any policy",
    async (_label, exitCode, line) => {
      for (const supervision of policies) {
        const refused = [
          { threadStarted: true },
          { stderr: `Reading prompt from stdin...\n${line}\n` },
          { exit: exitCode },
        ];
        const rig = mockCodex({ attempts: [refused, ok] }, { supervision });
        await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
          name: "CodexConfigError",
          kind: "configuration",
          exitCode,
          refusal: line,
          message: expect.stringContaining(line),
          notRetried: expect.stringContaining("configuration"),
        });
        expect(rig.records().filter((r) => r.argv)).toHaveLength(1);
        await rig.close();
      }
    },
  );
});
