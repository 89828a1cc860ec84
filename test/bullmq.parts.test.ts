import { describe, expect, it, jest } from "@jest/globals";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import {
  Codex,
  EventsLostError,
  QueueClosedError,
  RemoteTurnError,
  SessionTooLargeError,
  startWorker,
  type DistributedCodexOptions,
} from "../src/bullmq/index.js";
import { addressOf } from "../src/bullmq/connection.js";
import { reportOnce } from "../src/bullmq/report-errors.js";
import { EventStreamWriter, readEventStream } from "../src/bullmq/event-stream.js";
import { queueKeys } from "../src/bullmq/keys.js";
import { rebuildError, serializeError } from "../src/bullmq/remote-errors.js";
import { SessionStore } from "../src/bullmq/sessions.js";
import { CodexExitError, InvalidOptionError } from "../src/index.js";
import { startRedis } from "./support/redis.js";
import { atTeardown, tempDir } from "./support/rig-registry.js";

// The parts of codex-actors/bullmq on a real redis-server, without codex: the stored sessions,
// the event streams, the errors that cross between processes, and what the producer refuses.

const THREAD = "019a0000-0000-7000-8000-000000000001";
const ROLLOUT = `sessions/2026/01/02/rollout-2026-01-02T03-04-05-${THREAD}.jsonl`;
const keys = queueKeys("parts");

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
  it("moves a thread's rollout file to another CODEX_HOME at the same path, newest generation only", async () => {
    const redis = await client();
    const [a, b] = [codexHome('{"turn":1}\n'), codexHome()];
    const onA = new SessionStore(redis, keys.session, a, 1_000);
    const onB = new SessionStore(redis, keys.session, b, 1_000);

    await onB.restore(THREAD); // nothing stored yet: nothing written
    expect(existsSync(path.join(b, "sessions"))).toBe(false);
    await onA.store(THREAD);
    await onB.restore(THREAD);
    expect(readFileSync(path.join(b, ROLLOUT), "utf8")).toBe('{"turn":1}\n');

    // B holds that generation: it keeps its own copy (which its own turn would have written).
    writeFileSync(path.join(b, ROLLOUT), '{"turn":1}\n{"turn":2,"on":"b"}\n');
    await onB.restore(THREAD);
    expect(readFileSync(path.join(b, ROLLOUT), "utf8")).toContain('"on":"b"');
    // A newer generation stored elsewhere replaces it.
    writeFileSync(path.join(a, ROLLOUT), '{"turn":1}\n{"turn":2,"on":"a"}\n');
    await onA.store(THREAD);
    await onB.restore(THREAD);
    expect(readFileSync(path.join(b, ROLLOUT), "utf8")).toContain('"on":"a"');
  });

  it("refuses a session past the bound with SessionTooLargeError, storing nothing; a thread without a rollout stores nothing", async () => {
    const redis = await client();
    const store = new SessionStore(redis, keys.session, codexHome("x".repeat(2_000)), 1_000);
    const refused = store.store(THREAD);
    await expect(refused).rejects.toBeInstanceOf(SessionTooLargeError);
    await expect(refused).rejects.toMatchObject({
      kind: "session_too_large",
      threadId: THREAD,
      bytes: 2_000,
      maxSessionBytes: 1_000,
    });
    expect(await redis.exists(keys.session(THREAD))).toBe(0);
    await new SessionStore(redis, keys.session, codexHome(), 1_000).store(THREAD);
    expect(await redis.exists(keys.session(THREAD))).toBe(0);
  });

  it("writes nothing for a stored path outside sessions/", async () => {
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
    await new SessionStore(redis, keys.session, home, 1_000).restore(THREAD);
    expect(existsSync(path.join(home, "..", "escaped.jsonl"))).toBe(false);
    expect(existsSync(path.join(home, "sessions"))).toBe(false);
  });
});

describe("a turn's event stream", () => {
  const stop = () => ({ shutdown: new AbortController().signal });
  const event = (n: number) => ({ type: "item.completed", item: { id: `item_${n}` } }) as never;

  it("gives a late reader every event and then the end", async () => {
    const redis = await client();
    const writer = new EventStreamWriter(redis, keys.events("t1"), 100, 60);
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
    const writer = new EventStreamWriter(redis, keys.events("t2"), 100, 60);
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
    const lost = new Error("its job failed");
    const stream = readEventStream(redis, keys.events("t3"), "t3", async () => lost, stop());
    await expect(stream.next()).rejects.toBe(lost);
  });
});

describe("errors between processes", () => {
  it("rebuilds a library error as its own class, with its data; an unknown one as RemoteTurnError", () => {
    const exit = new CodexExitError(1, null, "boom\n", "codex exited");
    const rebuilt = rebuildError(JSON.parse(JSON.stringify(serializeError(exit))));
    expect(rebuilt).toBeInstanceOf(CodexExitError);
    expect(rebuilt).toMatchObject({ name: "CodexExitError", kind: "exit", exitCode: 1 });
    expect(rebuilt.message).toBe(exit.message);

    class Strange extends Error {
      override name = "Strange";
    }
    expect(rebuildError(serializeError(new Strange("odd")))).toEqual(
      new RemoteTurnError("Strange", undefined, "odd"),
    );
    expect(serializeError("a string")).toMatchObject({ name: "Error", message: '"a string"' });
  });
});

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
