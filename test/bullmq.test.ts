import { describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import diagnostics from "node:diagnostics_channel";
import { readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { Redis } from "ioredis";
import path from "node:path";
import {
  Codex,
  RedisUnavailableError,
  SessionRestoreError,
  SessionTooLargeError,
  startWorker,
  WorkerLostError,
} from "../src/bullmq/index.js";
import {
  AbortError,
  TurnFailedError,
  TurnInterruptedError,
  TurnNotRunningError,
  UnsupportedError,
  type SupervisionPolicy,
  type ThreadEvent,
} from "../src/index.js";
import {
  delayed,
  hang,
  message,
  ModelStandIn,
  reply,
  responseFailed,
  shellCommand,
  type StandInReply,
} from "../src/model-stand-in/index.js";
import { within } from "./support/deadlines.js";
import { eventually, processesMatching } from "./support/processes.js";
import { descendantsOf, startLocalWorker, startWorkerProcess } from "./support/queue-workers.js";
import { MODEL, realCodex } from "./support/real-codex.js";
import { startRedis } from "./support/redis.js";
import { atTeardown, tempDir, tracked } from "./support/rig-registry.js";

// codex-actors/bullmq on the real parts: a redis-server of each test's own, workers as child
// processes (test/fixtures/queue-worker.mjs, on the built dist/bullmq.js), the real codex binary
// against the model stand-in, and the producer in this process.

const NAME = "turns";

async function setUp(script: StandInReply[], producer: { reconnectWithinMs?: number } = {}) {
  const redis = await startRedis();
  const standIn = await ModelStandIn.start(script);
  atTeardown("the model stand-in", () => standIn.close());
  const workdir = tempDir("queue-work");
  const codex = tracked(
    new Codex({ queue: { connection: redis.connection, name: NAME, ...producer } }),
  );
  const settingsOf = (
    maxSessionBytes?: number,
    supervision?: SupervisionPolicy,
    transport?: "exec" | "app-server",
  ) => ({
    port: redis.port,
    name: NAME,
    standInUrl: standIn.url,
    maxSessionBytes,
    supervision,
    transport,
  });
  /** A worker process. */
  const worker = (...settings: Parameters<typeof settingsOf>) =>
    startWorkerProcess(settingsOf(...settings));
  /** A worker in this process: its code counts for coverage. */
  const localWorker = (...settings: Parameters<typeof settingsOf>) =>
    startLocalWorker(settingsOf(...settings));
  const threadOptions = {
    model: MODEL,
    skipGitRepoCheck: true,
    workingDirectory: workdir,
    sandboxMode: "danger-full-access",
  } as const;
  const startThread = () => codex.startThread(threadOptions);
  return { redis, standIn, codex, worker, localWorker, startThread, threadOptions };
}

/**
 * A thread whose first turn ran on app-server worker A and its second on B, both paused after:
 * A's app-server still has the thread loaded as the first turn left it. The stand-in has a
 * third answer.
 */
async function movedFromAToB() {
  const { standIn, worker, startThread } = await setUp([
    reply(message("One.")),
    reply(message("Two.")),
    reply(message("Three.")),
  ]);
  const a = await worker(undefined, undefined, "app-server");
  const thread = startThread();
  await within(thread.run("first"), 30_000, "the first turn");
  a.pause(); // frozen: the next turn can only go to B
  const b = await worker(undefined, undefined, "app-server");
  await within(thread.run("second"), 30_000, "the second turn");
  b.pause();
  return { standIn, a, b, thread };
}

const rollouts = (codexHome: string): string[] =>
  (readdirSync(path.join(codexHome, "sessions"), { recursive: true }) as string[]).filter((file) =>
    /rollout-.*\.jsonl$/.test(file),
  );

const inputOf = (standIn: ModelStandIn, index: number) =>
  JSON.stringify(standIn.requests[index]?.body.input);

describe("codex-actors/bullmq on a real Redis, worker processes and the real codex binary", () => {
  it("runs a thread's first turn on worker A and its second on worker B, which restores the session and sees the history", async () => {
    const { standIn, worker, startThread } = await setUp([
      reply(message("Remember: the password is swordfish.")),
      reply(message("ok")),
    ]);
    const a = await worker();
    const thread = startThread();
    const first = await within(thread.run("Remember something"), 30_000, "the first turn");
    expect(first).toEqual({
      items: [
        { id: "item_0", type: "agent_message", text: "Remember: the password is swordfish." },
      ],
      finalResponse: "Remember: the password is swordfish.",
      usage: expect.objectContaining({ input_tokens: expect.any(Number) }),
      attempts: 1,
    });
    const id = thread.id!;
    expect(rollouts(a.codexHome)).toEqual([expect.stringContaining(id)]);

    await a.kill();
    const b = await worker();
    expect(() => rollouts(b.codexHome)).toThrow(); // B has never seen a session
    const second = await within(thread.run("What was it?"), 30_000, "the second turn");

    expect(second.finalResponse).toBe("ok");
    expect(thread.id).toBe(id);
    expect(standIn.requests.map((request) => request.headers["thread-id"])).toEqual([id, id]);
    expect(inputOf(standIn, 1)).toContain("the password is swordfish");
    expect(inputOf(standIn, 1)).toContain("What was it?");
    expect(rollouts(b.codexHome)).toEqual(rollouts(a.codexHome));
  });

  it("moves a thread between workers on the app-server transport, each turn seeing the whole history: A, B, then A again (whose app-server had the thread loaded)", async () => {
    const { standIn, a, b, thread } = await movedFromAToB();
    expect(rollouts(b.codexHome)).toHaveLength(1);
    a.resume(); // A's app-server still has the thread as it was after the first turn

    const third = await within(thread.run("third"), 30_000, "the third turn");
    expect(third.finalResponse).toBe("Three.");
    expect(inputOf(standIn, 2)).toContain("Two."); // the turn B ran is in A's history now
  });

  it("fails a turn with SessionRestoreError, running nothing, when the worker's app-server cannot forget its outdated copy of the thread; the turn run again sees the whole history", async () => {
    const { standIn, a, thread } = await movedFromAToB();
    // A's copy, as the first turn left it, cannot be deleted (as on a read-only disk).
    const stale = path.join(a.codexHome, "sessions", rollouts(a.codexHome)[0]!);
    execFileSync("chattr", ["+i", stale]);
    const unlock = atTeardown("the immutable flag", () => execFileSync("chattr", ["-i", stale]));
    a.resume();

    const failed = await within(
      thread.run("third").catch((error: unknown) => error),
      30_000,
      "the third turn",
    );
    expect(failed).toBeInstanceOf(SessionRestoreError);
    expect(failed).toMatchObject({
      threadId: thread.id,
      reason: expect.stringContaining("Operation not permitted"),
    });
    expect(standIn.requests).toHaveLength(2); // nothing ran on the outdated history
    await unlock();
    const third = await within(thread.run("third"), 30_000, "the third turn, again");
    expect(third.finalResponse).toBe("Three.");
    expect(inputOf(standIn, 2)).toContain("Two.");
  });

  it("steers a turn running on an app-server worker: the model's next request carries the steer; a steer after its end rejects with TurnNotRunningError", async () => {
    const { standIn, localWorker, startThread } = await setUp([
      reply(shellCommand("sleep 3")),
      reply(message("Steered.")),
    ]);
    await localWorker(undefined, undefined, "app-server");
    const turn = await startThread().runStreamed("fix the test");
    let steered: Promise<void> | undefined;
    for await (const event of turn.events)
      if (event.type === "item.started" && event.item.type === "command_execution")
        steered = turn.steer("Also update CHANGELOG.md");
    await within(steered!, 10_000, "the steer");
    expect((await turn.result).finalResponse).toBe("Steered.");
    expect(inputOf(standIn, 0)).not.toContain("CHANGELOG");
    expect(inputOf(standIn, 1)).toContain("Also update CHANGELOG.md");
    await expect(turn.steer("too late")).rejects.toBeInstanceOf(TurnNotRunningError);
  });

  it("interrupts a turn running on an exec worker: TurnInterruptedError, not restarted, its command gone; steer there is UnsupportedError", async () => {
    const command = "sleep 309.8";
    const { redis, standIn, localWorker, startThread } = await setUp([
      reply(shellCommand(command)),
      reply(message("never")),
    ]);
    await localWorker(undefined, { restart: "permanent" });
    const turn = await startThread().runStreamed("run it");
    let interrupted: Promise<void> | undefined;
    let steer: Promise<unknown> | undefined;
    const reading = (async () => {
      for await (const event of turn.events)
        if (event.type === "item.started" && event.item.type === "command_execution") {
          steer = turn.steer("more").catch((error: unknown) => error);
          interrupted = steer.then(() => turn.interrupt());
        }
    })();
    await expect(within(reading, 20_000, "the interrupted turn")).rejects.toBeInstanceOf(
      TurnInterruptedError,
    );
    expect(await steer).toBeInstanceOf(UnsupportedError);
    await within(interrupted!, 10_000, "interrupt()");
    expect(standIn.requests).toHaveLength(1);
    await eventually(() => processesMatching(command).length === 0, "the command to end", 10_000);
    const admin = new Redis({ ...redis.connection, lazyConnect: true });
    atTeardown("a Redis client", () => admin.disconnect());
    expect(await admin.keys("*:control*")).toEqual([]); // no request or answer left behind
  });

  it("runs turns asked for at once on one thread one at a time, in call order, across two workers", async () => {
    const { standIn, worker, startThread } = await setUp([
      reply(message("One.")),
      reply(message("Two.")),
      reply(message("Three.")),
    ]);
    await Promise.all([worker(), worker()]);
    const thread = startThread();
    const turns = ["first", "second", "third"].map((prompt) => thread.run(prompt));
    const answers = await within(Promise.all(turns), 45_000, "three turns");

    expect(answers.map((turn) => turn.finalResponse)).toEqual(["One.", "Two.", "Three."]);
    expect(inputOf(standIn, 1)).toContain("One.");
    expect(inputOf(standIn, 2)).toContain("Two.");
    expect(inputOf(standIn, 2)).toContain("third");
  });

  it("runs a thread's turns from two producers one at a time, in the order they were enqueued, on two workers", async () => {
    const { redis, standIn, codex, worker, startThread, threadOptions } = await setUp([
      reply(message("Created.")),
      delayed(2_500, reply(message("First answer."))),
      reply(message("Second answer.")),
    ]);
    await worker();
    await worker();
    const thread = startThread();
    await thread.run("create");
    const other = tracked(new Codex({ queue: { connection: redis.connection, name: NAME } }));

    const first = codex.resumeThread(thread.id!, threadOptions).run("first");
    await within(
      waitFor(() => standIn.requests.length === 2),
      20_000,
      "the first turn's request",
    );
    // Another producer, a worker free: the turn still waits for the one before it.
    const second = other.resumeThread(thread.id!, threadOptions).run("second");
    const [a, b] = await within(Promise.all([first, second]), 30_000, "both turns");
    expect([a.finalResponse, b.finalResponse]).toEqual(["First answer.", "Second answer."]);
    expect(standIn.requests).toHaveLength(3);
    expect(inputOf(standIn, 2)).toContain("First answer."); // it ran after, with its history
  });

  it("runs a turn another producer enqueues for a new thread, once it learned the thread's id from its first turn's stream, after that first turn", async () => {
    const { redis, standIn, worker, startThread, threadOptions } = await setUp([
      delayed(2_500, reply(message("Created, slowly."))),
      reply(message("Second.")),
    ]);
    await Promise.all([worker(), worker()]);
    const { events } = await startThread().runStreamed("create");
    let id = "";
    for await (const event of events)
      if (event.type === "thread.started") {
        id = event.thread_id;
        break;
      }
    // The first turn runs on, unread; a worker is free.
    const other = tracked(new Codex({ queue: { connection: redis.connection, name: NAME } }));
    const second = await within(
      other.resumeThread(id, threadOptions).run("second"),
      30_000,
      "the second turn",
    );
    expect(second.finalResponse).toBe("Second.");
    expect(standIn.requests).toHaveLength(2);
    expect(inputOf(standIn, 1)).toContain("Created, slowly."); // it ran after, with its history
  });

  it("holds a thread's next turn until the one before has ended, even when its consumer stopped reading it early", async () => {
    const { standIn, worker, startThread } = await setUp([
      delayed(1_500, reply(message("First, slowly."))),
      reply(message("Second.")),
    ]);
    await Promise.all([worker(), worker()]);
    const thread = startThread();
    const { events } = await thread.runStreamed("first");
    for await (const event of events) if (event.type === "turn.started") break;
    const second = await within(thread.run("second"), 30_000, "the second turn");

    expect(second.finalResponse).toBe("Second.");
    expect(inputOf(standIn, 1)).toContain("First, slowly.");
  });

  it("refuses to store a session past the worker's maxSessionBytes: SessionTooLargeError, after all the turn's events", async () => {
    const { localWorker, startThread } = await setUp([reply(message("Big enough."))]);
    await localWorker(1_000);
    const { events } = await startThread().runStreamed("hi");
    const seen: string[] = [];
    const failure = (async () => {
      for await (const event of events) seen.push(event.type);
    })();
    await expect(within(failure, 30_000, "the turn")).rejects.toMatchObject({
      name: "SessionTooLargeError",
      kind: "session_too_large",
      maxSessionBytes: 1_000,
      bytes: expect.any(Number),
    });
    await expect(failure).rejects.toBeInstanceOf(SessionTooLargeError);
    expect(seen).toEqual(["thread.started", "turn.started", "item.completed", "turn.completed"]);
  });

  it("aborts a turn no worker has taken: AbortError, and its job leaves the queue", async () => {
    const { redis, startThread } = await setUp([]);
    const controller = new AbortController();
    const turn = startThread().run("hi", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("changed my mind")), 300);
    await expect(within(turn, 10_000, "the aborted turn")).rejects.toBeInstanceOf(AbortError);
    const client = new Redis({ ...redis.connection, lazyConnect: true });
    atTeardown("a Redis client", () => client.disconnect());
    expect(await client.llen(`bull:${NAME}:wait`)).toBe(0);
  });

  it("aborts a running turn: AbortError within a second, its codex stopped on the worker, the thread's next turn runs", async () => {
    const { standIn, worker, startThread } = await setUp([hang(), reply(message("Next."))]);
    await worker();
    const thread = startThread();
    const abort = new AbortController();
    const turn = thread.run("hang", { signal: abort.signal });
    turn.catch(() => undefined);
    await within(
      waitFor(() => standIn.requests.length === 1),
      20_000,
      "the turn's request",
    );
    const abortedAt = Date.now();
    abort.abort();
    await expect(within(turn, 5_000, "the aborted turn")).rejects.toBeInstanceOf(AbortError);
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    // The hanging turn never ends by itself: the next one runs only because the worker stopped it.
    await expect(within(thread.run("next"), 20_000, "the next turn")).resolves.toMatchObject({
      finalResponse: "Next.",
    });
  });

  it("lets a producer that restarted find a thread's unfinished turns (running, on which worker) and attach to one: every event from the first, and its Turn", async () => {
    const { redis, standIn, codex, worker, startThread } = await setUp([
      delayed(2_500, reply(message("Survived the producer."))),
    ]);
    const w = await worker();
    const { turnId, events } = await startThread().runStreamed("hi");
    const first = await events.next(); // enqueued, and the worker has started the thread
    expect(first.value).toMatchObject({ type: "thread.started" });
    const threadId = (first.value as { thread_id: string }).thread_id;
    await codex.shutdown({ timeoutMs: 0 }); // the producer goes; the turn runs on

    const again = tracked(new Codex({ queue: { connection: redis.connection, name: NAME } }));
    await within(
      waitFor(() => standIn.requests.length === 1),
      20_000,
      "the turn's request",
    );
    const listed = await again.unfinishedTurns({ threadId });
    expect(listed).toEqual([
      expect.objectContaining({
        turnId,
        threadId,
        state: "running",
        worker: `${hostname()}:${w.pid}`,
        startedAt: expect.any(Date),
      }),
    ]);
    expect(
      await again.unfinishedTurns({ threadId: "019a0000-0000-7000-8000-00000000ffff" }),
    ).toEqual([]);

    const attached = again.attach(turnId);
    const seen: ThreadEvent[] = [];
    for await (const event of attached.events) seen.push(event);
    expect(seen[0]).toEqual(first.value);
    expect(seen.at(-1)).toMatchObject({ type: "turn.completed" });
    await expect(attached.result).resolves.toMatchObject({
      finalResponse: "Survived the producer.",
    });
    expect(await again.unfinishedTurns()).toEqual([]);
  });

  it("streams the same events as a local run, all of them kept in the turn's Redis stream, resolves result with the Turn, and the worker's own Codex shows the turn (snapshot, diagnostics channels)", async () => {
    const script = () => [reply(message("Streamed."))];
    const local = await realCodex(script());
    const localEvents: string[] = [];
    const { events: localStream } = await local.startThread().runStreamed("hi");
    for await (const event of localStream) localEvents.push(event.type);

    const { redis, localWorker, startThread } = await setUp(script());
    const { worker } = await localWorker();
    const attemptEnds: { threadId: string | null; outcome: string }[] = [];
    const onAttemptEnd = (message: unknown) => attemptEnds.push(message as never);
    diagnostics.subscribe("codex-actors:attempt:end", onAttemptEnd);
    atTeardown("a diagnostics subscription", () =>
      diagnostics.unsubscribe("codex-actors:attempt:end", onAttemptEnd),
    );
    const thread = startThread();
    const { events, result } = await thread.runStreamed("hi");
    const seen: string[] = [];
    for await (const event of events) seen.push(event.type);
    // The worker's own Codex ran it: its snapshot (what its devtools show) and its channels.
    expect(worker.codex.getSnapshot().threads.map((t) => t.id)).toContain(thread.id);
    expect(attemptEnds).toContainEqual(
      expect.objectContaining({ threadId: thread.id, outcome: "completed" }),
    );

    expect(seen).toEqual(localEvents);
    expect(seen).toEqual(["thread.started", "turn.started", "item.completed", "turn.completed"]);
    expect((await result).finalResponse).toBe("Streamed.");

    // A consumer attaching after the end still finds every event, numbered, and the end entry.
    const client = new Redis({ ...redis.connection, lazyConnect: true });
    atTeardown("a Redis client", () => client.disconnect());
    const keys = await client.keys("bull:turns:codex-actors:turn:*:events");
    expect(keys).toHaveLength(1);
    const entries = await client.xrange(keys[0]!, "-", "+");
    expect(entries.map(([, fields]) => fields[1])).toEqual(["1", "2", "3", "4", "5"]);
    expect(entries.slice(0, 4).map(([, fields]) => JSON.parse(fields[3]!).type)).toEqual(seen);
    expect(JSON.parse(entries[4]![1][3]!)).toMatchObject({ ok: true, attempts: 1 });
  });

  it("rejects the producer's run with the worker's own typed failure", async () => {
    const { worker, startThread } = await setUp([
      responseFailed("invalid_prompt", "Your prompt was flagged by the stand-in"),
    ]);
    await worker();
    const failure = within(startThread().run("hi"), 30_000, "the failed turn");
    await expect(failure).rejects.toBeInstanceOf(TurnFailedError);
    await expect(failure).rejects.toMatchObject({
      name: "TurnFailedError",
      kind: "turn_failed",
      message: expect.stringContaining("Your prompt was flagged by the stand-in"),
    });
  });

  it("runs again, on another worker, a turn whose worker was SIGKILLed before any side effect: turn.restarted (worker_lost), attempts 2; a turn enqueued on the id it had announced fails with SessionRestoreError", async () => {
    const { redis, standIn, worker, startThread, threadOptions } = await setUp([
      hang(),
      reply(message("Done on B.")),
    ]);
    const a = await worker();
    const thread = startThread();
    const { events, result } = await thread.runStreamed("hi");
    const { seen, read } = collecting(events);
    await within(
      waitFor(() => seen.some((event) => event.type === "thread.started")),
      20_000,
      "the thread's id",
    );
    const announced = thread.id!;
    const other = tracked(new Codex({ queue: { connection: redis.connection, name: NAME } }));
    const onAnnounced = other
      .resumeThread(announced, threadOptions)
      .run("on the first id")
      .catch((error: unknown) => error);
    await loseWorkerAfter(standIn, 1, a, () => worker());

    const turn = await within(result, 30_000, "the re-run turn");
    await read;
    expect(turn).toMatchObject({ finalResponse: "Done on B.", attempts: 2 });
    expect(seen.filter((event) => event.type === "turn.restarted")).toEqual([
      expect.objectContaining({
        attempt: 2,
        error: expect.objectContaining({ kind: "worker_lost" }),
      }),
    ]);
    expect(standIn.requests).toHaveLength(2);
    // The re-run started the thread afresh on B (A's session was never stored): its id is B's.
    const started = seen.filter((event) => event.type === "thread.started");
    expect(thread.id).toBe((started.at(-1) as { thread_id: string }).thread_id);
    expect(thread.id).not.toBe(announced);
    // The first id's session was never stored: its turn runs after the first, and fails typed.
    const failed = await within(onAnnounced, 30_000, "the turn on the announced id");
    expect(failed).toBeInstanceOf(SessionRestoreError);
    expect(failed).toMatchObject({ threadId: announced });
    expect(standIn.requests).toHaveLength(2);
  });

  it("fails with WorkerLostError naming the command, and does not run it again, a turn whose worker was SIGKILLed after it had run one", async () => {
    const { standIn, worker, startThread } = await setUp([
      reply(shellCommand("echo side-effect")),
      hang(),
    ]);
    const a = await worker();
    const turn = startThread().run("hi");
    turn.catch(() => undefined);
    await loseWorkerAfter(standIn, 2, a, () => worker());

    const error = await within(
      turn.then(
        () => undefined,
        (e: unknown) => e,
      ),
      30_000,
      "the lost turn",
    );
    expect(error).toBeInstanceOf(WorkerLostError);
    expect(error).toMatchObject({
      kind: "worker_lost",
      sideEffects: [
        expect.objectContaining({
          type: "command_execution",
          detail: expect.stringContaining("echo side-effect"),
        }),
      ],
    });
    expect((error as Error).message).toContain("restartAfterSideEffects");
    expect(standIn.requests).toHaveLength(2);
  });

  it("stops the codex of a worker that lost its job's lock but lives on, and hands the turn over: WorkerLostError from the other worker", async () => {
    const { redis, standIn, worker, startThread } = await setUp([
      reply(shellCommand("echo side-effect")),
      hang(),
    ]);
    const a = await worker();
    const turn = startThread().run("hi");
    turn.catch(() => undefined);
    await within(
      waitFor(() => standIn.requests.length === 2),
      20_000,
      "the turn's second request",
    );
    expect(codexUnder(a.pid).length).toBeGreaterThan(0); // its codex runs
    await worker();
    // The lock goes (as when its worker stalled past lockDuration), the worker itself lives on.
    const client = new Redis({ ...redis.connection, lazyConnect: true });
    atTeardown("a Redis client", () => client.disconnect());
    const [lock] = await client.keys(`bull:${NAME}:*:lock`);
    expect(lock).toBeDefined();
    await client.del(lock!);

    const error = await within(
      turn.then(
        () => undefined,
        (e: unknown) => e,
      ),
      30_000,
      "the handed-over turn",
    );
    expect(error).toBeInstanceOf(WorkerLostError);
    // Its codex, waiting on a model that never answers, is stopped at the failed lock renewal.
    await within(
      waitFor(() => codexUnder(a.pid).length === 0),
      10_000,
      "worker A's codex to stop",
    );
    expect(() => process.kill(a.pid, 0)).not.toThrow();
    expect(standIn.requests).toHaveLength(2);
  });

  it("runs such a turn again when the worker's supervision says restartAfterSideEffects", async () => {
    const { standIn, worker, startThread } = await setUp([
      reply(shellCommand("echo side-effect")),
      hang(),
      reply(message("Ran again.")),
    ]);
    const a = await worker();
    const turn = startThread().run("hi");
    turn.catch(() => undefined);
    await loseWorkerAfter(standIn, 2, a, () =>
      worker(undefined, { restartAfterSideEffects: true }),
    );

    await expect(within(turn, 30_000, "the re-run turn")).resolves.toMatchObject({
      finalResponse: "Ran again.",
      attempts: 2,
    });
    expect(standIn.requests).toHaveLength(3);
  });

  it("closes a worker gracefully on SIGTERM: its running turn finishes first", async () => {
    const { worker, startThread } = await setUp([delayed(1_500, reply(message("Finished.")))]);
    const w = await worker();
    const { events, result } = await startThread().runStreamed("hi");
    const first = await events.next();
    expect(first.value).toMatchObject({ type: "thread.started" });
    const exit = w.terminate();
    for await (const _ of events);
    expect((await result).finalResponse).toBe("Finished.");
    expect(await within(exit, 15_000, "the worker's exit")).toBe(0);
  });

  it("rides out Redis stopped for 5 s mid-turn and restarted from its AOF: worker and producer reconnect, the turn completes", async () => {
    // The outage outlasts the workers' 4 s job lock here: the turn (no side effect yet) is handed
    // over and run again, which takes the second answer.
    const { redis, standIn, worker, startThread } = await setUp([
      delayed(7_000, reply(message("After the outage."))),
      reply(message("After the outage.")),
    ]);
    await worker();
    const { events, result } = await startThread().runStreamed("hi");
    const { seen, read } = collecting(events);
    await within(
      waitFor(() => standIn.requests.length === 1),
      20_000,
      "the turn's request",
    );
    await redis.outage(5_000);

    await expect(within(result, 40_000, "the turn")).resolves.toMatchObject({
      finalResponse: "After the outage.",
    });
    await read;
    expect(seen[0]).toMatchObject({ type: "thread.started" });
    expect(seen.at(-1)).toMatchObject({ type: "turn.completed" });
  });

  it("rejects a followed turn with RedisUnavailableError once Redis has been gone longer than reconnectWithinMs, rather than hanging", async () => {
    const { redis, standIn, worker, startThread } = await setUp(
      [delayed(2_000, reply(message("Too late.")))],
      { reconnectWithinMs: 2_000 },
    );
    await worker();
    const turn = startThread().run("hi");
    turn.catch(() => undefined);
    await within(
      waitFor(() => standIn.requests.length === 1),
      20_000,
      "the turn's request",
    );
    await redis.stop();
    await expect(within(turn, 15_000, "the turn")).rejects.toMatchObject({
      name: "RedisUnavailableError",
      address: `127.0.0.1:${redis.port}`,
    });
  });

  it("closes a worker whose Redis is gone, rather than waiting on it for ever", async () => {
    const { redis, localWorker } = await setUp([]);
    const { worker } = await localWorker();
    await redis.stop();
    await within(worker.close(), 15_000, "the worker's close");
    expect(worker.codex.getSnapshot().state).toBe("stopped");
  });

  it("reports a Redis that does not answer as RedisUnavailableError, on the producer and the worker", async () => {
    const redis = await startRedis();
    await redis.stop();
    const connection = { host: "127.0.0.1", port: redis.port };
    const codex = tracked(new Codex({ queue: { connection, name: NAME } }));
    await expect(within(codex.startThread().run("hi"), 15_000, "the turn")).rejects.toMatchObject({
      name: "RedisUnavailableError",
      kind: "redis_unavailable",
      address: `127.0.0.1:${redis.port}`,
    });
    await expect(
      within(startWorker({ connection, name: NAME }), 15_000, "startWorker"),
    ).rejects.toBeInstanceOf(RedisUnavailableError);
  });
});

/**
 * Loses worker `a` mid-turn, as a crash would: once the stand-in has had `requests` requests,
 * starts worker B (`startB`), whose stall check finds A's turn once A's lock has expired, and
 * SIGKILLs A with its codex.
 */
async function loseWorkerAfter(
  standIn: ModelStandIn,
  requests: number,
  a: { kill: () => Promise<void> },
  startB: () => Promise<unknown>,
): Promise<void> {
  await within(
    waitFor(() => standIn.requests.length === requests),
    20_000,
    `request ${requests} of the turn`,
  );
  await startB();
  await a.kill();
}

/** The `codex exec` processes under `pid` (not its other helpers, such as the sentinel). */
function codexUnder(pid: number): number[] {
  return descendantsOf(pid).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, "utf8").includes("--experimental-json");
    } catch {
      return false;
    }
  });
}

/** Reads `events` in the background: what has come so far, and the reading's end. */
function collecting(events: AsyncIterable<ThreadEvent>) {
  const seen: ThreadEvent[] = [];
  const read = (async () => {
    for await (const event of events) seen.push(event);
  })();
  read.catch(() => undefined);
  return { seen, read };
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}
