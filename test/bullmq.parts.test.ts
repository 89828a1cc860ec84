import { describe, expect, it, jest } from "@jest/globals";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { Queue, Worker } from "bullmq";
import { enlisted, enlistTurn, ThreadOrder } from "../src/bullmq/thread-order.js";
import {
  Codex,
  EventsLostError,
  NoWorkerError,
  QueueClosedError,
  RemoteTurnError,
  SessionRestoreError,
  SessionTooLargeError,
  startWorker,
  TurnLostError,
  WorkerLostError,
  type DistributedCodexOptions,
} from "../src/bullmq/index.js";
import { addressOf } from "../src/bullmq/connection.js";
import { reportOnce } from "../src/bullmq/report-errors.js";
import { readEventStream } from "../src/bullmq/event-stream.js";
import {
  LeaseLostError,
  ThreadBusyError,
  TurnRecord,
  type TurnClaim,
} from "../src/bullmq/turn-record.js";
import { decideRetake } from "../src/bullmq/retake-decision.js";
import { runTurnJob } from "../src/bullmq/run-turn.js";
import { resolvePolicy } from "../src/supervision/policy.js";
import { queueKeys } from "../src/bullmq/keys.js";
import { rebuildError, serializeError } from "../src/bullmq/remote-errors.js";
import { SessionStore } from "../src/bullmq/sessions.js";
import { TurnControls } from "../src/bullmq/turn-controls.js";
import {
  AbortError,
  AppServerRequestError,
  Codex as Codex0,
  TurnInterruptedError,
  TurnNotRunningError,
  CodexExitError,
  InvalidOptionError,
} from "../src/index.js";
import { within } from "./support/deadlines.js";
import { startRedis } from "./support/redis.js";
import { atTeardown, tempDir } from "./support/rig-registry.js";

// The parts of codex-actors/bullmq on a real redis-server, without codex: the stored sessions,
// the event streams, the errors that cross between processes, and what the producer refuses.

const THREAD = "019a0000-0000-7000-8000-000000000001";
const ROLLOUT = `sessions/2026/01/02/rollout-2026-01-02T03-04-05-${THREAD}.jsonl`;
const keys = queueKeys("parts");
const LIMITS = { maxEvents: 100, keepSeconds: 60, reconnectWithinMs: 1_000 };

/** A take of turn `turnId`'s record, claimed. */
async function claimed(redis: Redis, turnId: string): Promise<TurnRecord> {
  const record = new TurnRecord(redis, keys, turnId, LIMITS);
  await record.claim();
  return record;
}

/** Stores the thread's session as a worker does, with a turn's finish. */
async function store(redis: Redis, sessions: SessionStore): Promise<void> {
  const record = await claimed(redis, `turn-${Math.random()}`);
  const session = await sessions.file(THREAD);
  const end = { ok: true as const, threadId: THREAD, attempts: 1 };
  sessions.stored(THREAD, await record.finish(end, session));
}

async function client(): Promise<Redis> {
  const redis = await startRedis();
  const connection = new Redis({ ...redis.connection, lazyConnect: true });
  atTeardown("a Redis client", () => connection.disconnect());
  return connection;
}

function codexHome(rollout?: string): string {
  const home = tempDir("codex-home");
  if (rollout !== undefined) {
    mkdirSync(path.dirname(path.join(home, ROLLOUT)), { recursive: true });
    writeFileSync(path.join(home, ROLLOUT), rollout);
  }
  return home;
}

describe("stored sessions", () => {
  it("moves a thread's rollout file to another CODEX_HOME at the same path, newest generation only; a thread stored nowhere is a SessionRestoreError", async () => {
    const redis = await client();
    const [a, b] = [codexHome('{"turn":1}\n'), codexHome()];
    const onA = new SessionStore(redis, keys.session, a, 1_000);
    const onB = new SessionStore(redis, keys.session, b, 1_000);

    // Stored nowhere: the thread cannot be resumed here (codex would only fail later).
    await expect(onB.restore(THREAD)).rejects.toMatchObject({
      name: "SessionRestoreError",
      reason: expect.stringMatching(/stored in the queue or in this worker's CODEX_HOME/),
    });
    expect(existsSync(path.join(b, "sessions"))).toBe(false);
    await onA.restore(THREAD); // not stored, but A's own CODEX_HOME has it: left to codex
    await store(redis, onA);
    await onB.restore(THREAD);
    expect(readFileSync(path.join(b, ROLLOUT), "utf8")).toBe('{"turn":1}\n');

    // B holds that generation: it keeps its own copy (which its own turn would have written).
    writeFileSync(path.join(b, ROLLOUT), '{"turn":1}\n{"turn":2,"on":"b"}\n');
    await onB.restore(THREAD);
    expect(readFileSync(path.join(b, ROLLOUT), "utf8")).toContain('"on":"b"');
    // A newer generation stored elsewhere replaces it.
    writeFileSync(path.join(a, ROLLOUT), '{"turn":1}\n{"turn":2,"on":"a"}\n');
    await store(redis, onA);
    await onB.restore(THREAD);
    expect(readFileSync(path.join(b, ROLLOUT), "utf8")).toContain('"on":"a"');
  });

  it("refuses a session past the bound with SessionTooLargeError, storing nothing; a thread without a rollout stores nothing", async () => {
    const redis = await client();
    const tooLarge = new SessionStore(redis, keys.session, codexHome("x".repeat(2_000)), 1_000);
    await expect(store(redis, tooLarge)).rejects.toBeInstanceOf(SessionTooLargeError);
    await expect(store(redis, tooLarge)).rejects.toMatchObject({
      kind: "session_too_large",
      threadId: THREAD,
      bytes: 2_000,
      maxSessionBytes: 1_000,
    });
    expect(await redis.exists(keys.session(THREAD))).toBe(0);
    await store(redis, new SessionStore(redis, keys.session, codexHome(), 1_000));
    expect(await redis.exists(keys.session(THREAD))).toBe(0);
  });

  it("fails with SessionRestoreError when its copy cannot be replaced, leaving its copy untouched and no partial file", async () => {
    const redis = await client();
    await store(redis, new SessionStore(redis, keys.session, codexHome('{"turn":2}\n'), 1_000));
    // An app-server that would not forget its loaded copy.
    const home = codexHome('{"turn":1}\n');
    const stuck = new SessionStore(redis, keys.session, home, 1_000, {
      beforeReplacing: async () => {
        throw new Error("failed to delete rollout file: Operation not permitted");
      },
    });
    await expect(stuck.restore(THREAD)).rejects.toMatchObject({
      name: "SessionRestoreError",
      threadId: THREAD,
      reason: expect.stringContaining("Operation not permitted"),
    });
    expect(readFileSync(path.join(home, ROLLOUT), "utf8")).toBe('{"turn":1}\n'); // untouched
    // A file that cannot be written (its path is taken by a folder).
    const blocked = codexHome();
    mkdirSync(path.join(blocked, ROLLOUT), { recursive: true });
    const onBlocked = new SessionStore(redis, keys.session, blocked, 1_000);
    await expect(onBlocked.restore(THREAD)).rejects.toBeInstanceOf(SessionRestoreError);
    expect(readdirSync(path.dirname(path.join(blocked, ROLLOUT)))).toEqual([
      path.basename(ROLLOUT),
    ]);
  });

  it("writes nothing for a stored path outside sessions/: SessionRestoreError", async () => {
    const redis = await client();
    const home = codexHome();
    await redis.hset(
      keys.session(THREAD),
      "path",
      "../escaped.jsonl",
      "data",
      "x",
      "generation",
      1,
    );
    await expect(
      new SessionStore(redis, keys.session, home, 1_000).restore(THREAD),
    ).rejects.toBeInstanceOf(SessionRestoreError);
    expect(existsSync(path.join(home, "..", "escaped.jsonl"))).toBe(false);
    expect(existsSync(path.join(home, "sessions"))).toBe(false);
  });
});

describe("a turn's event stream", () => {
  const stop = () => ({ shutdown: new AbortController().signal });
  const event = (n: number) => ({ type: "item.completed", item: { id: `item_${n}` } }) as never;

  it("gives a late reader every event and then the end", async () => {
    const redis = await client();
    const writer = await claimed(redis, "t1");
    for (const n of [1, 2, 3]) await writer.event(event(n));
    await writer.end({ ok: true, threadId: THREAD, attempts: 1 });
    expect(await redis.ttl(keys.events("t1"))).toBeGreaterThan(0);

    const stream = readEventStream(redis, keys.events("t1"), "t1", async () => undefined, stop());
    const seen: unknown[] = [];
    let next = await stream.next();
    for (; !next.done; next = await stream.next()) seen.push(next.value);
    expect(seen).toEqual([event(1), event(2), event(3)]);
    expect(next.value).toEqual({ ok: true, threadId: THREAD, attempts: 1 });
  });

  it("fails with EventsLostError when events were trimmed before they were read", async () => {
    const redis = await client();
    const writer = await claimed(redis, "t2");
    for (const n of [1, 2, 3]) await writer.event(event(n));
    await redis.xtrim(keys.events("t2"), "MAXLEN", 1);
    const stream = readEventStream(redis, keys.events("t2"), "t2", async () => undefined, stop());
    await expect(stream.next()).rejects.toMatchObject({ expected: 1, found: 3 });
    await expect(
      readEventStream(redis, keys.events("t2"), "t2", async () => undefined, stop()).next(),
    ).rejects.toBeInstanceOf(EventsLostError);
  });

  it("throws what the lost check answers once the stream stays silent", async () => {
    const redis = await client();
    const lost = new TurnLostError("t3", "its job failed");
    const stream = readEventStream(redis, keys.events("t3"), "t3", async () => lost, stop());
    await expect(stream.next()).rejects.toBe(lost);
  });
});

describe("a turn's record: one writer at a time, and what a take over finds", () => {
  const stop = () => ({ shutdown: new AbortController().signal });
  const command = {
    type: "item.started",
    item: {
      id: "item_1",
      type: "command_execution",
      command: "rm -rf build",
      status: "in_progress",
    },
  } as never;

  it("fences out an earlier take: its next write fails with LeaseLostError, the new one's events follow on", async () => {
    const redis = await client();
    const first = await claimed(redis, "fenced");
    await first.started(1);
    await first.event(command);
    const second = new TurnRecord(redis, keys, "fenced", LIMITS);
    const found = await second.claim();
    expect(found).toMatchObject({
      attempts: 1,
      restartTimes: [],
      sideEffects: [{ type: "command_execution", id: "item_1", detail: "rm -rf build" }],
    });
    await expect(first.event(command)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(first.end({ ok: true, threadId: null, attempts: 1 })).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    await expect(first.started(2)).rejects.toBeInstanceOf(LeaseLostError);
    const restarted = { type: "turn.restarted", attempt: 2, delayMs: 0, error: {} } as never;
    await second.started(2);
    await second.event(restarted, { restartedAt: 1_000 });
    await second.end({ ok: true, threadId: THREAD, attempts: 2 });

    const stream = readEventStream(
      redis,
      keys.events("fenced"),
      "fenced",
      async () => undefined,
      stop(),
    );
    const seen: unknown[] = [];
    let next = await stream.next();
    for (; !next.done; next = await stream.next()) seen.push(next.value);
    expect(seen).toEqual([command, restarted]); // numbered 1, 2 across the two takes: no gap
    expect(next.value).toEqual({ ok: true, threadId: THREAD, attempts: 2 });
    expect(await new TurnRecord(redis, keys, "fenced", LIMITS).claim()).toMatchObject({
      attempts: 2,
      restartTimes: [1_000],
      end: { ok: true, threadId: THREAD, attempts: 2 },
    });
    // The stream goes with keepStreamSeconds; the record stays a day, for a late take to find.
    expect(await redis.ttl(keys.events("fenced"))).toBeLessThanOrEqual(60);
    expect(await redis.ttl(keys.record("fenced"))).toBeGreaterThan(80_000);
    // Each script's text went to Redis once; every other write ran it by its SHA.
    const calls = async (command: string) =>
      Number(
        new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await redis.info("commandstats"))?.[1] ??
          0,
      );
    expect(await calls("eval")).toBe(2); // the two scripts used: started, append
    expect(await calls("evalsha")).toBe(6); // the 8 writes of the two takes, less those 2
  });

  it("keeps a finish (the end reached, the session stored) for the take after a lost one", async () => {
    const redis = await client();
    const first = await claimed(redis, "finished");
    await first.finish({ ok: true, threadId: THREAD, attempts: 1 }, undefined);
    const second = new TurnRecord(redis, keys, "finished", LIMITS);
    expect(await second.claim()).toMatchObject({
      finish: { ok: true, threadId: THREAD, attempts: 1 },
    });
    await expect(
      first.finish({ ok: true, threadId: THREAD, attempts: 1 }, undefined),
    ).rejects.toBeInstanceOf(LeaseLostError);
  });
});

describe("a thread's session: stored only by the turn that runs the thread now", () => {
  const end = { ok: true as const, threadId: THREAD, attempts: 1 };
  const session = (text: string) => ({ threadId: THREAD, path: ROLLOUT, data: Buffer.from(text) });

  it("fences out a turn that lives on after its thread moved on: its finish fails with LeaseLostError and the newer session stays", async () => {
    const redis = await client();
    await enlistTurn(redis, keys, THREAD, "old");
    await enlistTurn(redis, keys, THREAD, "new");
    const old = await claimed(redis, "old");
    await old.holdThread(THREAD, false);
    // BullMQ failed "old" itself (stalled too often) while its worker lived: the next look
    // dropped it, and "new" runs the thread now.
    await redis.lpop(keys.threadTurns(THREAD));
    const next = await claimed(redis, "new");
    await next.holdThread(THREAD, false);
    expect(await next.finish(end, session("newer"))).toBe(1);

    await expect(old.finish(end, session("older"))).rejects.toBeInstanceOf(LeaseLostError);
    await expect(old.finish(end, undefined)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await redis.hget(keys.session(THREAD), "data")).toBe("newer");
    expect(await redis.hget(keys.session(THREAD), "generation")).toBe("1");
    expect(await redis.ttl(keys.session(THREAD))).toBe(-1); // a stored session is kept
    // A turn that does not head its thread cannot take it: it waits its turn.
    await enlistTurn(redis, keys, THREAD, "later");
    const later = await claimed(redis, "later");
    await expect(later.holdThread(THREAD, false)).rejects.toBeInstanceOf(ThreadBusyError);
    await expect(old.holdThread(THREAD, false)).rejects.toBeInstanceOf(ThreadBusyError);
  });

  it("puts a new thread's first turn at the head of its thread's list; a later take of the same turn holds it again", async () => {
    const redis = await client();
    const first = await claimed(redis, "first");
    await first.holdThread(THREAD, true);
    await enlistTurn(redis, keys, THREAD, "second"); // another producer learned the id
    expect(await redis.lrange(keys.threadTurns(THREAD), 0, -1)).toEqual(["first", "second"]);
    expect(await redis.ttl(keys.session(THREAD))).toBeGreaterThan(0); // no session yet: expires

    const again = await claimed(redis, "first"); // its worker was lost
    await again.holdThread(THREAD, true);
    expect(await redis.lrange(keys.threadTurns(THREAD), 0, -1)).toEqual(["first", "second"]);
    await expect(first.finish(end, session("lost take"))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await again.finish(end, session("its take"))).toBe(1);
  });
});

describe("a thread whose first turn was lost before it stored its session", () => {
  it("has no history: restoring it fails with SessionRestoreError, even where a worker kept a copy", async () => {
    const redis = await client();
    const lost = await claimed(redis, "first");
    await lost.holdThread(THREAD, true);
    const again = new TurnRecord(redis, keys, "first", LIMITS);
    expect(await again.claim()).toMatchObject({ announced: THREAD });
    await again.voidThread(THREAD);
    const keptCopy = new SessionStore(redis, keys.session, codexHome('{"turn":1}\n'), 1_000);
    await expect(keptCopy.restore(THREAD)).rejects.toMatchObject({
      name: "SessionRestoreError",
      reason: expect.stringMatching(/no history/),
    });
    // A thread whose session was stored keeps it.
    const other = "019a0000-0000-7000-8000-0000000000ff";
    const stored = await claimed(redis, "stored");
    await stored.holdThread(other, true);
    const session = { threadId: other, path: ROLLOUT, data: Buffer.from("x") };
    await stored.finish({ ok: true, threadId: other, attempts: 1 }, session);
    await stored.voidThread(other);
    expect(await redis.hget(keys.session(other), "void")).toBeNull();
  });
});

describe("what a worker does with a job it takes (decideRetake)", () => {
  const claim = (over: Partial<TurnClaim> = {}): TurnClaim => ({
    attempts: 0,
    restartTimes: [],
    sideEffects: [],
    ...over,
  });
  const decide = (
    over: Partial<TurnClaim>,
    policy: Parameters<typeof resolvePolicy>[0] = undefined,
  ) =>
    decideRetake({
      turnId: "t",
      claim: claim(over),
      policy: resolvePolicy(policy, undefined),
      now: 100_000,
      random: 0.5,
    });
  const effect = { type: "command_execution", id: "item_3", detail: "make deploy" };
  const end = { ok: true as const, threadId: THREAD, attempts: 1 };

  it("runs a turn never taken; reports an ended one; writes the end an earlier take reached", () => {
    expect(decide({})).toEqual({ do: "run" });
    expect(decide({ attempts: 1, end })).toEqual({ do: "report", end });
    expect(decide({ attempts: 1, finish: end })).toEqual({ do: "write", end });
  });

  it("fails a turn its producer cancelled with AbortError, before or after a take", () => {
    for (const attempts of [0, 1])
      expect(decide({ attempts, cancelled: true })).toMatchObject({
        do: "fail",
        error: { name: "AbortError", kind: "aborted" },
      });
  });

  it("fails a turn a producer interrupted with TurnInterruptedError, before or after a take", () => {
    for (const attempts of [0, 1])
      expect(decide({ attempts, interrupted: true })).toMatchObject({
        do: "fail",
        error: { name: "TurnInterruptedError", kind: "turn_interrupted" },
      });
  });

  it("runs again a lost attempt that started no side effect, counted as a restart", () => {
    expect(decide({ attempts: 1 })).toMatchObject({
      do: "run",
      restarted: {
        type: "turn.restarted",
        attempt: 2,
        delayMs: expect.any(Number),
        error: { kind: "worker_lost" },
      },
    });
  });

  it("fails with WorkerLostError naming the side effect, unless restartAfterSideEffects", () => {
    const refused = decide({ attempts: 1, sideEffects: [effect] });
    expect(refused).toMatchObject({ do: "fail" });
    const error = (refused as { error: WorkerLostError }).error;
    expect(error).toBeInstanceOf(WorkerLostError);
    expect(error).toMatchObject({ kind: "worker_lost", turnId: "t", sideEffects: [effect] });
    expect(error.message).toContain("command_execution (make deploy)");
    expect(error.reason).toContain("restartAfterSideEffects");
    expect(
      decide({ attempts: 1, sideEffects: [effect] }, { restartAfterSideEffects: true }),
    ).toMatchObject({
      do: "run",
    });
  });

  it("fails when the policy allows no restart: supervision off, temporary, or the limit reached", () => {
    expect(decide({ attempts: 1 }, false)).toMatchObject({
      do: "fail",
      error: { reason: "supervision is off" },
    });
    expect(decide({ attempts: 1 }, { restart: "temporary" })).toMatchObject({ do: "fail" });
    expect(
      decide({ attempts: 4, restartTimes: [90_000, 95_000, 99_000] }, { maxRestarts: 3 }),
    ).toMatchObject({
      do: "fail",
      error: { reason: expect.stringContaining("more than 3 restarts") },
    });
  });
});

/** A worker's runner on `redis` whose codex cannot start: what it runs is seen to run nothing. */
function runnerWithoutCodex(redis: Redis) {
  const codex = new Codex0({ codexPathOverride: "/nonexistent/codex" });
  atTeardown("a Codex", () => codex.shutdown());
  return {
    codex,
    sessions: new SessionStore(redis, keys.session, codexHome(), 1_000),
    policy: resolvePolicy(undefined, undefined),
    record: (turnId: string) => new TurnRecord(redis, keys, turnId, LIMITS),
    controls: new TurnControls(redis, keys),
  };
}

describe("a take of a turn that is over runs nothing", () => {
  it("writes the end an earlier take reached, and reports an ended turn, without starting codex", async () => {
    const redis = await client();
    const codex = new Codex0({ codexPathOverride: "/nonexistent/codex" });
    atTeardown("a Codex", () => codex.shutdown());
    const sessions = new SessionStore(redis, keys.session, codexHome(), 1_000);
    const runner = {
      codex,
      sessions,
      policy: resolvePolicy(undefined, undefined),
      record: (turnId: string) => new TurnRecord(redis, keys, turnId, LIMITS),
      controls: new TurnControls(redis, keys),
    };
    const data = { turnId: "over", threadId: THREAD, thread: {}, input: "hi", turn: {} };
    const end = { ok: true as const, threadId: THREAD, attempts: 1 };
    const lost = await claimed(redis, "over");
    await lost.finish(end, undefined);

    expect(await runTurnJob(runner, data, undefined)).toEqual(end);
    expect(await redis.hget(keys.record("over"), "end")).toBe(JSON.stringify(end));
    expect(await runTurnJob(runner, data, undefined)).toEqual(end);
    expect(await redis.xlen(keys.events("over"))).toBe(1); // the end, written once
  });

  it("starts nothing for a turn whose thread another turn heads: ThreadBusyError, no attempt counted", async () => {
    const redis = await client();
    const runner = runnerWithoutCodex(redis);
    await enlistTurn(redis, keys, THREAD, "ahead");
    const data = { turnId: "behind", threadId: THREAD, thread: {}, input: "hi", turn: {} };
    await expect(runTurnJob(runner, data, undefined)).rejects.toBeInstanceOf(ThreadBusyError);
    expect(await redis.hget(keys.record("behind"), "attempts")).toBeNull();
    expect(await redis.exists(keys.events("behind"))).toBe(0);
  });
});

describe("a thread's turns in call order (ThreadOrder)", () => {
  it("lets a turn run only when it heads its thread's list; drops heads whose turns ended or whose jobs are gone, not one whose job is being added", async () => {
    const rig = await startRedis();
    const redis = new Redis({ ...rig.connection, lazyConnect: true });
    atTeardown("a Redis client", () => redis.disconnect());
    const queue = new Queue("parts", { connection: rig.connection });
    atTeardown("a queue", () => queue.close());
    const order = new ThreadOrder(redis, keys);
    const turn = (turnId: string) => ({
      turnId,
      threadId: THREAD,
      thread: {},
      input: "",
      turn: {},
    });
    for (const id of ["gone", "adding", "ended", "waiting", "mine"])
      await enlistTurn(redis, keys, THREAD, id);
    await queue.add("turn", turn("waiting"), { jobId: "waiting" });
    await enlisted(redis, keys, "waiting");
    await redis.hset(keys.record("ended"), "end", "{}");
    // "gone": its producer died before adding its job, longer ago than the grace.
    await redis.del(keys.enlisting("gone"));

    // "adding" has no job yet but its producer is adding it: it stays ahead.
    expect(await order.isNext(queue, turn("mine"))).toBe(false);
    expect(await redis.lrange(keys.threadTurns(THREAD), 0, -1)).toEqual([
      "adding",
      "ended",
      "waiting",
      "mine",
    ]);
    expect(await redis.pttl(keys.enlisting("adding"))).toBeGreaterThan(0);
    await redis.del(keys.enlisting("adding")); // the grace passed without a job
    expect(await order.isNext(queue, turn("mine"))).toBe(false); // "waiting" is ahead, not ended
    expect(await redis.lrange(keys.threadTurns(THREAD), 0, -1)).toEqual(["waiting", "mine"]);
    // A turn that fell off the list (its producer stalled past the grace) joins at its end.
    expect(await order.isNext(queue, turn("fell-off"))).toBe(false);
    expect(await redis.lrange(keys.threadTurns(THREAD), 0, -1)).toEqual([
      "waiting",
      "mine",
      "fell-off",
    ]);
    await order.ended("waiting", THREAD);
    expect(await order.isNext(queue, turn("mine"))).toBe(true);
    expect(await order.isNext(queue, { ...turn("new"), threadId: null })).toBe(true);
  });
});

describe("errors between processes", () => {
  it("rebuilds a library error as its own class, with its data; an unknown one as RemoteTurnError", () => {
    const exit = new CodexExitError(1, null, "boom\n", "codex exited");
    const rebuilt = rebuildError(JSON.parse(JSON.stringify(serializeError(exit))));
    expect(rebuilt).toBeInstanceOf(CodexExitError);
    expect(rebuilt).toMatchObject({ name: "CodexExitError", kind: "exit", exitCode: 1 });
    expect(rebuilt.message).toBe(exit.message);
    // The app-server's errors and this entry's too.
    const refused = new AppServerRequestError("thread/delete", -32603, "failed to delete");
    expect(rebuildError(serializeError(refused))).toBeInstanceOf(AppServerRequestError);
    const restore = new SessionRestoreError(THREAD, "disk full");
    expect(rebuildError(serializeError(restore))).toMatchObject({
      name: "SessionRestoreError",
      kind: "session_restore_failed",
      threadId: THREAD,
      reason: "disk full",
    });

    class Strange extends Error {
      override name = "Strange";
    }
    expect(rebuildError(serializeError(new Strange("odd")))).toEqual(
      new RemoteTurnError("Strange", undefined, "odd"),
    );
    expect(serializeError("a string")).toMatchObject({ name: "Error", message: '"a string"' });
  });
});

/** A producer on a Redis of its own, queue `name`, and a client of the test's on that Redis. */
async function producerOn(name: string, connection: { retryStrategy?: () => null } = {}) {
  const rig = await startRedis();
  const admin = new Redis({ ...rig.connection, lazyConnect: true });
  atTeardown("a Redis client", () => admin.disconnect());
  const codex = new Codex({ queue: { connection: { ...rig.connection, ...connection }, name } });
  atTeardown("a producer", () => codex.shutdown({ timeoutMs: 0 }));
  return { admin, codex, connection: rig.connection };
}

describe("watching the queue", () => {
  it("lists and snapshots the queue on the producer's connections: polling it opens none, and shutdown() closes them all", async () => {
    const { admin, codex } = await producerOn("watched");
    const received = async () =>
      Number(/total_connections_received:(\d+)/.exec(await admin.info("stats"))?.[1]);
    const clients = async () =>
      String(await admin.client("LIST"))
        .trim()
        .split("\n").length;
    expect((await codex.queueSnapshot()).queued).toEqual([]); // connected
    const before = await received();

    for (let poll = 0; poll < 10; poll++) {
      await codex.queueSnapshot();
      await codex.unfinishedTurns();
    }
    expect((await received()) - before).toBe(0);
    await codex.shutdown();
    await waitUntil(async () => (await clients()) === 1); // only the admin's is left
  });
});

describe("following a turn by its id", () => {
  it("waits for a turn whose job its producer is adding, and fails one that is not in the queue with TurnLostError", async () => {
    const { admin, codex } = await producerOn("parts");
    await enlistTurn(admin, keys, null, "coming");
    const { events } = codex.attach("coming");
    const outcome = (async () => {
      for await (const event of events) return event;
      return "ended";
    })().catch((error: unknown) => error);
    // Two silent reads (1 s each) later it is still followed.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await Promise.race([outcome, "followed"])).toBe("followed");
    await enlisted(admin, keys, "coming"); // its producer gave up without adding it
    const error = await within(outcome, 5_000, "the lost turn");
    expect(error).toBeInstanceOf(TurnLostError);
    expect(error).toMatchObject({ reason: expect.stringMatching(/never enqueued/) });
  });
});

describe("steering and interrupting a remote turn, through Redis", () => {
  it("the worker takes a running turn's requests, answers each with its outcome, and skips what is not a request", async () => {
    const redis = await client();
    const controls = new TurnControls(redis, keys);
    const steered: unknown[] = [];
    const local = {
      steer: async (input: unknown) => {
        if (input === "refused") throw new TurnNotRunningError("has ended");
        steered.push(input);
      },
      interrupt: async () => undefined,
    };
    const ask = (request: object | string) =>
      redis.rpush(
        keys.control("t1"),
        typeof request === "string" ? request : JSON.stringify(request),
      );
    await ask("not a request");
    await ask({ id: "r1", kind: "steer", input: "more" });
    await ask({ id: "r2", kind: "steer", input: "refused" });
    const unregister = controls.register("t1", local); // requests made before it ran
    const waiter = redis.duplicate(); // a blocking read holds its connection
    atTeardown("a Redis client", () => waiter.disconnect());
    const answer = async (id: string) =>
      JSON.parse((await waiter.blpop(keys.controlReply(id), 5))![1]) as Record<string, unknown>;
    expect(await answer("r1")).toEqual({ ok: true });
    expect(await answer("r2")).toMatchObject({ ok: false, error: { name: "TurnNotRunningError" } });
    await ask({ id: "r3", kind: "interrupt" });
    controls.requested("t1"); // its id came on the channel
    expect(await answer("r3")).toEqual({ ok: true });
    expect(steered).toEqual(["more"]);
    unregister();
    await ask({ id: "r4", kind: "interrupt" });
    controls.requested("t1"); // not running here any more: left for the worker that runs it
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await redis.llen(keys.control("t1"))).toBe(1);
  });

  it("an interrupted turn runs nothing when taken, and its worker's next event write ends it: TurnInterruptedError", async () => {
    const redis = await client();
    const runner = runnerWithoutCodex(redis);
    const running = await claimed(redis, "running");
    await redis.hset(keys.record("queued"), "interrupted", "1");
    await redis.hset(keys.record("running"), "interrupted", "1");
    const data = { turnId: "queued", threadId: null, thread: {}, input: "hi", turn: {} };
    expect(await runTurnJob(runner, data, undefined)).toMatchObject({
      ok: false,
      error: { name: "TurnInterruptedError" },
    });
    const event = { type: "turn.started" } as never;
    await expect(running.event(event)).rejects.toBeInstanceOf(TurnInterruptedError);
  });

  it("interrupt() of a turn waiting in the queue, taken by no worker: its end is written at once, its job removed", async () => {
    const { admin, codex, connection } = await producerOn("parts");
    const jobs = new Queue("parts", { connection });
    atTeardown("a queue", () => jobs.close());
    const data = { turnId: "waiting", threadId: null, thread: {}, input: "hi", turn: {} };
    await jobs.add("turn", data, { jobId: "waiting" });
    const attached = codex.attach("waiting");
    await within(attached.interrupt(), 5_000, "interrupt()");
    expect(await jobs.getJob("waiting")).toBeUndefined();
    await expect(attached.events.next()).rejects.toMatchObject({
      name: "TurnInterruptedError",
      message: expect.stringContaining("interrupt() from a producer"),
    });
    // A worker that took it meanwhile finds the end: it reports it, running nothing.
    expect(await runTurnJob(runnerWithoutCodex(admin), data, undefined)).toMatchObject({
      ok: false,
      error: { name: "TurnInterruptedError" },
    });
  });

  it("interrupt() before the turn is enqueued: it never is, its events end with TurnInterruptedError", async () => {
    const { codex } = await producerOn("parts");
    const turn = await codex.startThread().runStreamed("hi");
    await turn.interrupt();
    await expect(turn.events.next()).rejects.toBeInstanceOf(TurnInterruptedError);
    await expect(turn.steer("more")).rejects.toBeInstanceOf(TurnNotRunningError);
    expect((await codex.queueSnapshot()).queued).toEqual([]);
  });

  it("the producer's steer of a turn that ended unanswered rejects with TurnNotRunningError and withdraws it; interrupt resolves", async () => {
    const { admin, codex } = await producerOn("parts");
    await admin.hset(keys.record("over"), "end", JSON.stringify({ ok: true }));
    const attached = codex.attach("over");
    await expect(attached.steer("too late")).rejects.toBeInstanceOf(TurnNotRunningError);
    await expect(attached.interrupt()).resolves.toBeUndefined();
    expect(await admin.exists(keys.control("over"))).toBe(0);
  });

  it("a steer still waiting for its answer rejects with QueueClosedError at shutdown()", async () => {
    const { admin, codex } = await producerOn("parts");
    await enlistTurn(admin, keys, null, "queued"); // being enqueued: not ended
    const waiting = codex.attach("queued").steer("more");
    const outcome = waiting.then(
      () => "answered",
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_300)); // past one wait for an answer
    expect(await Promise.race([outcome, "waiting"])).toBe("waiting");
    await codex.shutdown({ timeoutMs: 0 });
    await expect(within(waiting, 5_000, "the steer")).rejects.toBeInstanceOf(QueueClosedError);
  });

  it("a steer of a turn that is never enqueued rejects with TurnNotRunningError", async () => {
    const { codex } = await producerOn("parts");
    const turn = await codex.startThread().runStreamed("hi", { signal: AbortSignal.abort() });
    await expect(turn.events.next()).rejects.toBeInstanceOf(AbortError);
    await expect(turn.steer("more")).rejects.toBeInstanceOf(TurnNotRunningError);
  });
});

describe("a queue without workers", () => {
  it("cancels a turn no worker could take for noWorkerTimeoutMs with NoWorkerError; while a worker is connected, the turn waits", async () => {
    const rig = await startRedis();
    const queue = { connection: rig.connection, name: "unserved", noWorkerTimeoutMs: 1_500 };
    const codex = new Codex({ queue });
    atTeardown("a producer", () => codex.shutdown({ timeoutMs: 0 }));
    const started = Date.now();
    const { events, turnId } = await codex.startThread().runStreamed("hi");
    const failed = await within(events.next(), 10_000, "the unserved turn").catch(
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(NoWorkerError);
    expect(failed).toMatchObject({ queue: "unserved", noWorkerTimeoutMs: 1_500, turnId });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    const jobs = new Queue("unserved", { connection: rig.connection });
    atTeardown("a queue", () => jobs.close());
    expect(await jobs.getJob(turnId)).toBeUndefined(); // cancelled: it will not run

    // A worker connected that takes nothing (paused): the turn waits.
    const idle = new Worker("unserved", async () => undefined, {
      connection: rig.connection,
      autorun: false,
      name: "idle",
    });
    atTeardown("a worker", () => idle.close(true));
    await idle.waitUntilReady();
    const waiting = codex.startThread().runStreamed("hi again");
    const outcome = waiting.then((turn) => turn.events.next()).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await Promise.race([outcome, "waiting"])).toBe("waiting");
  });
});

describe("a producer whose connection was given up", () => {
  it("connects anew on its next call, once its connection's retryStrategy gave up", async () => {
    const { admin, codex } = await producerOn("given-up", { retryStrategy: () => null });
    expect((await codex.queueSnapshot()).running).toEqual([]);
    await admin.client("KILL", "TYPE", "normal", "SKIPME", "yes"); // every other connection
    // Given up: only the test's own connection is left.
    await waitUntil(
      async () =>
        String(await admin.client("LIST"))
          .trim()
          .split("\n").length === 1,
    );
    expect((await codex.queueSnapshot()).running).toEqual([]);
    expect(await codex.unfinishedTurns()).toEqual([]);
  });
});

/** Resolves once `check` holds (tried every 50 ms, for 5 s at most). */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 100 && !(await check()); tries++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await check()).toBe(true);
}

describe("what the producer refuses, and says", () => {
  const connection = { host: "127.0.0.1", port: 1 };

  it("refuses what a queue cannot carry with InvalidOptionError, before any connection", async () => {
    const make = (options: unknown) => () => new Codex(options as DistributedCodexOptions);
    expect(make(undefined)).toThrow(InvalidOptionError);
    expect(make({ queue: { connection } })).toThrow(/queue\.name/);
    expect(make({ queue: { connection, name: "q" }, apiKey: "secret" })).toThrow(
      /`apiKey`.*startWorker/,
    );
    const codex = new Codex({ queue: { connection, name: "q" } });
    expect(() => codex.startThread({ onApproval: () => "approve" as never })).toThrow(
      /`onApproval`/,
    );
    expect(() => codex.resumeThread("-x")).toThrow(InvalidOptionError);
    await expect(codex.startThread().run("hi", { signal: "no" as never })).rejects.toThrow(
      /signal/,
    );
    await expect(codex.startThread().run("hi", { supervision: false } as never)).rejects.toThrow(
      /`supervision`.*startWorker/,
    );
  });

  it("refuses a worker's invalid options with InvalidOptionError, before any connection", async () => {
    await expect(startWorker(undefined as never)).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(startWorker({ connection, name: "" })).rejects.toThrow(/`name`/);
    for (const workerId of ["", "host 1", "a\nb", "a:w:b", "w:abc", 7 as never])
      await expect(startWorker({ connection, name: "q", workerId })).rejects.toThrow(/`workerId`/);
    await expect(startWorker({ connection, name: "q", maxSessionBytes: 0 })).rejects.toThrow(
      /`maxSessionBytes`/,
    );
    await expect(
      startWorker({ connection, name: "q", codex: { maxConcurrentTurns: -1 } }),
    ).rejects.toThrow(/maxConcurrentTurns/);
  });

  it("names where Redis is, never its password", () => {
    expect(addressOf({ url: "redis://user:hunter2@cache.internal:6380/0" })).toBe(
      "cache.internal:6380",
    );
    expect(addressOf({ url: "not a url" })).toBe("the url given as connection");
    expect(addressOf({ path: "/run/redis.sock" })).toBe("/run/redis.sock");
    expect(addressOf({ host: "cache", password: "hunter2" })).toBe("cache:6379");
    expect(addressOf(new Redis({ lazyConnect: true }))).toBe("the client given as connection");
  });

  it("refuses turns after shutdown() with QueueClosedError", async () => {
    const codex = new Codex({ queue: { connection, name: "q" } });
    await codex.shutdown();
    await expect(codex.startThread().run("hi")).rejects.toBeInstanceOf(QueueClosedError);
  });

  it("reports a worker's errors to onError (a throw contained), or warns once per message", () => {
    const seen: string[] = [];
    const report = reportOnce((error) => {
      seen.push(error.message);
      throw new Error("a faulty handler");
    });
    expect(() => report(new Error("connection lost"))).not.toThrow();
    expect(seen).toEqual(["connection lost"]);
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const warn = reportOnce();
      warn(new Error("connection lost"));
      warn(new Error("connection lost"));
      expect(emitWarning.mock.calls).toEqual([
        ["codex-actors/bullmq worker: connection lost", { code: "CODEX_ACTORS_QUEUE" }],
      ]);
    } finally {
      emitWarning.mockRestore();
    }
  });
});
