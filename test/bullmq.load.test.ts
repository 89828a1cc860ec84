import { describe, expect, it } from "@jest/globals";
import { Codex, type Thread } from "../src/bullmq/index.js";
import { AbortError, type Turn } from "../src/index.js";
import {
  delayed,
  hang,
  message,
  ModelStandIn,
  reply,
  type RecordedRequest,
  type StandInReply,
} from "../src/model-stand-in/index.js";
import { scaled, within } from "./support/deadlines.js";
import { descendants } from "./support/leftover-processes.mjs";
import { startWorkerProcess, type WorkerProcess } from "./support/queue-workers.js";
import { MODEL } from "./support/real-codex.js";
import { startRedis } from "./support/redis.js";
import { atTeardown, tempDir, tracked } from "./support/rig-registry.js";

// codex-actors/bullmq under load, on the real parts: a redis-server of each test's own, workers
// as child processes (test/fixtures/queue-worker.mjs, concurrency 1 each), the real codex binary
// against the model stand-in, and the producer in this process. Each worker has an API key of its
// own, so the stand-in tells from each request's bearer token which worker asked; its replies
// depend on the request ("done: <prompt>"), so each request's input shows the history it was
// given.

const NAME = "turns";

/** One model request, as the stand-in saw it. */
type Asked = {
  /** The turn's prompt: the last user message of its input. */
  prompt: string;
  /** The worker whose codex asked (its API key). */
  worker: string;
  /** The codex thread the request is for. */
  threadId: string;
  /** The user prompts and assistant replies of its input, in order (codex's context left out). */
  conversation: string[];
  /** When it arrived, and when its reply was due (arrival + the reply's delay), in ms. */
  at: number;
  dueAt: number;
};

/**
 * The stand-in, answering each request "done: <prompt>" after `delayMs`, or with what `special`
 * returns for the prompt; every request is recorded in `asked` (and `onAsked` hears of it).
 */
async function setUp(options: {
  delayMs: number;
  special?: (prompt: string) => StandInReply | undefined;
  onAsked?: (asked: Asked) => void;
}) {
  const redis = await startRedis();
  const asked: Asked[] = [];
  const answer = (request: RecordedRequest): StandInReply => {
    const conversation = conversationOf(request);
    const prompt = conversation.at(-1) ?? "";
    const special = options.special?.(prompt);
    const at = Date.now();
    const entry: Asked = {
      prompt,
      worker: String(request.headers.authorization).replace(/^Bearer /, ""),
      threadId: String(request.headers["thread-id"]),
      conversation,
      at,
      dueAt: special ? Infinity : at + options.delayMs,
    };
    asked.push(entry);
    options.onAsked?.(entry);
    return special ?? delayed(options.delayMs, reply(message(`done: ${prompt}`)));
  };
  const standIn = await ModelStandIn.start([], answer);
  atTeardown("the model stand-in", () => standIn.close());
  const workdir = tempDir("queue-load");
  const codex = tracked(new Codex({ queue: { connection: redis.connection, name: NAME } }));
  const workers = (keys: string[]) =>
    Promise.all(
      keys.map((apiKey) =>
        startWorkerProcess({ port: redis.port, name: NAME, standInUrl: standIn.url, apiKey }),
      ),
    );
  const startThread = () =>
    codex.startThread({
      model: MODEL,
      skipGitRepoCheck: true,
      workingDirectory: workdir,
      sandboxMode: "danger-full-access",
    });
  return { codex, asked, workers, startThread };
}

/** The texts of the user and assistant messages of a request's input, codex's own context left out. */
function conversationOf(request: RecordedRequest): string[] {
  const input = (request.body.input ?? []) as Array<{
    type?: string;
    role?: string;
    content?: Array<{ text?: string }>;
  }>;
  return input
    .filter(
      (item) => item.type === "message" && (item.role === "user" || item.role === "assistant"),
    )
    .flatMap((item) => (item.content ?? []).map((part) => part.text ?? ""))
    .filter((text) => !text.startsWith("<"));
}

/** What a thread's k-th turn should be given: the turns before, each with its reply, then its own prompt. */
const historyOf = (prompts: string[], k: number): string[] => [
  ...prompts.slice(0, k).flatMap((prompt) => [prompt, `done: ${prompt}`]),
  prompts[k]!,
];

/** A turn followed through its events, each stamped with when the producer read it. */
type Followed = {
  prompt: string;
  turnId: string;
  events: Array<{ type: string; at: number }>;
  /** Its `Turn`, or its failure. */
  outcome: Promise<Turn>;
};

async function follow(thread: Thread, prompt: string, signal?: AbortSignal): Promise<Followed> {
  const { turnId, events, result } = await thread.runStreamed(prompt, signal ? { signal } : {});
  result.catch(() => undefined);
  const stamped: Followed["events"] = [];
  const read = (async () => {
    for await (const event of events) stamped.push({ type: event.type, at: Date.now() });
  })();
  const outcome = read.then(() => result);
  outcome.catch(() => undefined);
  return { prompt, turnId, events: stamped, outcome };
}

/** Settles with the outcome instead of rejecting: its Turn's reply, or its error. */
const settle = (turn: Followed) =>
  turn.outcome.then(
    (done) => ({ prompt: turn.prompt, reply: done.finalResponse, error: undefined }),
    (error: unknown) => ({ prompt: turn.prompt, reply: undefined, error }),
  );

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** How many requests the stand-in got for each prompt. */
function countsOf(asked: Asked[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { prompt } of asked) counts[prompt] = (counts[prompt] ?? 0) + 1;
  return counts;
}

/** The processes running under the worker processes now (codex, its commands), not their sentinels. */
const codexUnder = (workers: WorkerProcess[]) => {
  const pids = new Set(workers.map((worker) => worker.pid));
  const all = descendants();
  const parent = new Map(all.map((p) => [p.pid, p.ppid]));
  const under = (pid: number): boolean => {
    for (let at = parent.get(pid); at !== undefined; at = parent.get(at))
      if (pids.has(at)) return true;
    return false;
  };
  return all.filter((p) => under(p.pid) && !p.cmdline.includes("codex-actors sentinel"));
};

describe("codex-actors/bullmq under load: worker processes, the real codex binary, a real Redis", () => {
  it(
    "runs 3 workers × 10 threads × 5 turns: all 50 complete, each thread's turns one at a time in call order with its history across workers, threads in parallel",
    async () => {
      const THREADS = 10;
      const TURNS = 5;
      const DELAY_MS = 300;
      const { asked, workers, startThread } = await setUp({ delayMs: DELAY_MS });
      const keys = ["worker-0", "worker-1", "worker-2"];
      await workers(keys);

      const prompts = Array.from({ length: THREADS }, (_, t) =>
        Array.from({ length: TURNS }, (_, k) => `thread ${t} turn ${k + 1}`),
      );
      const threads = prompts.map(() => startThread());
      // Every turn asked for at once: each thread's five, in call order.
      const turns = await Promise.all(
        prompts.map((ofThread, t) =>
          Promise.all(ofThread.map((prompt) => follow(threads[t]!, prompt))),
        ),
      );
      const outcomes = await within(Promise.all(turns.flat().map(settle)), 120_000, "50 turns");

      // All 50 complete, each with the reply to its own prompt, each asked of the model once.
      expect(outcomes.filter((outcome) => outcome.error !== undefined)).toEqual([]);
      expect(outcomes.map((outcome) => outcome.reply)).toEqual(
        prompts.flat().map((prompt) => `done: ${prompt}`),
      );
      expect(asked).toHaveLength(THREADS * TURNS);
      expect(Object.values(countsOf(asked)).every((count) => count === 1)).toBe(true);

      const movedBetweenWorkers: string[] = [];
      prompts.forEach((ofThread, t) => {
        const requests = ofThread.map((prompt) => asked.find((entry) => entry.prompt === prompt)!);
        // One codex thread per thread, its id the Thread's.
        expect(new Set(requests.map((request) => request.threadId))).toEqual(
          new Set([threads[t]!.id]),
        );
        // Each turn saw the thread's earlier turns, in call order, and their replies: it ran after
        // them, whichever worker ran them. Nothing of another thread.
        requests.forEach((request, k) =>
          expect({ prompt: request.prompt, conversation: request.conversation }).toEqual({
            prompt: ofThread[k],
            conversation: historyOf(ofThread, k),
          }),
        );
        // The model requests of a thread never overlapped: each asked after the one before was due.
        for (let k = 1; k < TURNS; k++)
          expect(requests[k]!.at).toBeGreaterThanOrEqual(requests[k - 1]!.dueAt);
        // As the producer saw them: each turn's first event after the turn before had completed.
        const seen = turns[t]!;
        for (let k = 1; k < TURNS; k++)
          expect(seen[k]!.events[0]!.at).toBeGreaterThanOrEqual(
            seen[k - 1]!.events.find((event) => event.type === "turn.completed")!.at,
          );
        for (let k = 1; k < TURNS; k++)
          if (requests[k]!.worker !== requests[k - 1]!.worker)
            movedBetweenWorkers.push(ofThread[k]!);
      });
      // Turns did move between workers (and still saw their history, above).
      expect(movedBetweenWorkers.length).toBeGreaterThan(0);

      // Threads ran in parallel: at least two workers ran turns, and some two model requests of
      // different workers were in flight at once.
      const byWorker = new Set(asked.map((entry) => entry.worker));
      expect(byWorker.size).toBeGreaterThanOrEqual(2);
      const overlapping = asked.some((a) =>
        asked.some((b) => a.worker !== b.worker && a.at <= b.at && b.at < a.dueAt),
      );
      expect(overlapping).toBe(true);
    },
    scaled(150_000),
  );

  it(
    "closes a worker gracefully under load on SIGTERM: its running turn finishes and resolves, the queued ones run on the other worker, none lost or run twice, exit 0",
    async () => {
      const THREADS = 4;
      const TURNS = 2;
      const { asked, workers, startThread } = await setUp({ delayMs: 1_500 });
      const [a, b] = await workers(["worker-a", "worker-b"]);

      const prompts = Array.from({ length: THREADS }, (_, t) =>
        Array.from({ length: TURNS }, (_, k) => `close ${t} turn ${k + 1}`),
      );
      const threads = prompts.map(() => startThread());
      const turns = await Promise.all(
        prompts.map((ofThread, t) =>
          Promise.all(ofThread.map((prompt) => follow(threads[t]!, prompt))),
        ),
      );
      const inFlight = (worker: string) =>
        asked.find((entry) => entry.worker === worker && entry.dueAt > Date.now() + 300);
      await within(
        waitFor(() => inFlight("worker-a") !== undefined && inFlight("worker-b") !== undefined),
        30_000,
        "a turn running on each worker",
      );
      const running = inFlight("worker-a")!;
      const runningTurn = turns.flat().find((turn) => turn.prompt === running.prompt)!;
      // Two turns running, six asked for: four queued or waiting for their thread's first.
      expect(asked.length).toBeLessThan(THREADS * TURNS);

      const terminatedAt = Date.now();
      const exit = a!.terminate();
      await expect(within(runningTurn.outcome, 20_000, "A's running turn")).resolves.toMatchObject({
        finalResponse: `done: ${running.prompt}`,
      });
      expect(await within(exit, 20_000, "A's exit")).toBe(0);
      expect(a!.output()).not.toContain("close failed");

      const outcomes = await within(Promise.all(turns.flat().map(settle)), 60_000, "every turn");
      expect(outcomes.filter((outcome) => outcome.error !== undefined)).toEqual([]);
      expect(outcomes.map((outcome) => outcome.reply)).toEqual(
        prompts.flat().map((prompt) => `done: ${prompt}`),
      );
      // None lost, none run twice.
      expect(countsOf(asked)).toEqual(
        Object.fromEntries(prompts.flat().map((prompt) => [prompt, 1])),
      );
      // A took nothing after its SIGTERM: the rest ran on B, each with its thread's history.
      expect(asked.filter((entry) => entry.at > terminatedAt).map((entry) => entry.worker)).toEqual(
        asked.filter((entry) => entry.at > terminatedAt).map(() => "worker-b"),
      );
      expect(asked.filter((entry) => entry.at > terminatedAt).length).toBeGreaterThan(0);
      for (const ofThread of prompts)
        ofThread.forEach((prompt, k) =>
          expect(asked.find((entry) => entry.prompt === prompt)!.conversation).toEqual(
            historyOf(ofThread, k),
          ),
        );
      expect(b!.output()).not.toContain("close failed");
    },
    scaled(120_000),
  );

  it(
    "aborts some of many turns from the producer while others run: AbortError for those, the others complete, nothing left running, the aborted threads' next turns run",
    async () => {
      const THREADS = 6;
      const TURNS = 3;
      const controllers = new Map<string, AbortController>();
      const abort = (prompt: string) => {
        controllers.get(prompt)!.abort(new Error(`aborted ${prompt}`));
      };
      // Aborted while running: their model requests never answer; each is aborted once it is asked.
      const runningAborts = ["abort 1 turn 2", "abort 4 turn 2"];
      // Aborted while waiting in the queue for a worker.
      const queuedAbort = "abort 5 turn 1";
      // Aborted while waiting for its thread's turn before it (not enqueued yet).
      const earlyAbort = "abort 2 turn 2";
      const aborted = [...runningAborts, queuedAbort, earlyAbort];
      const { codex, asked, workers, startThread } = await setUp({
        delayMs: 800,
        special: (prompt) => (runningAborts.includes(prompt) ? hang() : undefined),
        onAsked: (entry) => {
          if (runningAborts.includes(entry.prompt)) setTimeout(() => abort(entry.prompt), 300);
        },
      });
      const started = await workers(["worker-a", "worker-b"]);

      const prompts = Array.from({ length: THREADS }, (_, t) =>
        Array.from({ length: TURNS }, (_, k) => `abort ${t} turn ${k + 1}`),
      );
      for (const prompt of aborted) controllers.set(prompt, new AbortController());
      const threads = prompts.map(() => startThread());
      const followThread = (t: number) =>
        Promise.all(
          prompts[t]!.map((prompt) => follow(threads[t]!, prompt, controllers.get(prompt)?.signal)),
        );
      const first = await Promise.all([0, 1, 2, 3, 4].map(followThread));
      abort(earlyAbort);
      // Thread 5's turns asked for once both workers are busy (each with a reply due in more
      // than half a second): its first turn waits in the queue, and is aborted there.
      const busy = (worker: string) =>
        asked.some((entry) => entry.worker === worker && entry.dueAt > Date.now() + 500);
      await within(
        waitFor(() => busy("worker-a") && busy("worker-b")),
        30_000,
        "both workers busy",
      );
      const turns = [...first, await followThread(5)];
      const queued = turns[5]![0]!;
      await within(
        (async () => {
          for (;;) {
            const listed = await codex.unfinishedTurns();
            if (listed.some((turn) => turn.turnId === queued.turnId && turn.state === "queued"))
              return;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })(),
        20_000,
        "thread 5's first turn in the queue",
      );
      abort(queuedAbort);

      const outcomes = await within(Promise.all(turns.flat().map(settle)), 90_000, "every turn");
      // The aborted ones: AbortError; the others: their replies.
      for (const outcome of outcomes)
        if (aborted.includes(outcome.prompt)) {
          expect({ prompt: outcome.prompt, error: outcome.error }).toEqual({
            prompt: outcome.prompt,
            error: expect.any(AbortError),
          });
        } else {
          expect(outcome).toEqual({
            prompt: outcome.prompt,
            reply: `done: ${outcome.prompt}`,
            error: undefined,
          });
        }
      // The running ones were asked of the model once, and not run again; the others never were.
      expect(countsOf(asked)).toEqual(
        Object.fromEntries(
          prompts
            .flat()
            .filter((prompt) => prompt !== queuedAbort && prompt !== earlyAbort)
            .map((prompt) => [prompt, 1]),
        ),
      );
      // The aborted threads' next turns ran after the aborted turn, with the history stored
      // before it. (Whether the aborted prompt is in it too, the next test checks.)
      for (const prompt of ["abort 1 turn 3", "abort 4 turn 3", "abort 2 turn 3"]) {
        const t = Number(prompt.split(" ")[1]);
        const conversation = asked.find((entry) => entry.prompt === prompt)!.conversation;
        expect(conversation.slice(0, 2)).toEqual([`abort ${t} turn 1`, `done: abort ${t} turn 1`]);
        expect(conversation.at(-1)).toBe(prompt);
      }
      // Nothing left running: no turn unfinished in the queue, no codex under the workers.
      await expect(codex.unfinishedTurns()).resolves.toEqual([]);
      await within(
        waitFor(() => codexUnder(started).length === 0),
        10_000,
        "the workers' codex processes to exit",
      ).catch(() => {
        throw new Error(
          `codex processes still running under the workers: ${JSON.stringify(codexUnder(started))}`,
        );
      });
    },
    scaled(150_000),
  );

  // What the test above leaves open, made deterministic: after an aborted running turn, which
  // worker runs the thread's next turn (the one that ran the aborted turn, or another) must not
  // change the history that turn is given.
  it(
    "gives a thread's next turn after an aborted running turn the same history whichever worker runs it",
    async () => {
      const controllers = new Map<string, AbortController>();
      const { asked, workers, startThread } = await setUp({
        delayMs: 0,
        special: (prompt) => (prompt.endsWith("aborted") ? hang() : undefined),
        onAsked: (entry) => {
          if (entry.prompt.endsWith("aborted"))
            setTimeout(() => controllers.get(entry.prompt)!.abort(), 300);
        },
      });
      const [a] = await workers(["worker-a"]);
      const runAll = async (thread: Thread, prompts: string[]) => {
        for (const prompt of prompts) {
          const controller = new AbortController();
          controllers.set(prompt, controller);
          const outcome = await within(
            settle(await follow(thread, prompt, controller.signal)),
            30_000,
            prompt,
          );
          if (prompt.endsWith("aborted")) expect(outcome.error).toBeInstanceOf(AbortError);
          else expect(outcome).toMatchObject({ reply: `done: ${prompt}` });
        }
      };
      const [x, y] = [startThread(), startThread()];
      // Both threads' first two turns on A, the second of each aborted while it runs.
      await runAll(x, ["x turn 1", "x turn 2 aborted"]);
      await runAll(y, ["y turn 1", "y turn 2 aborted"]);
      // x's next turn on A, which ran the aborted one; y's on B, after A has closed.
      await runAll(x, ["x turn 3"]);
      expect(await within(a!.terminate(), 20_000, "A's exit")).toBe(0);
      await workers(["worker-b"]);
      await runAll(y, ["y turn 3"]);

      const next = (name: string) => asked.find((entry) => entry.prompt === `${name} turn 3`)!;
      expect([next("x").worker, next("y").worker]).toEqual(["worker-a", "worker-b"]);
      const neutral = (name: string) =>
        next(name).conversation.map((text) => text.replaceAll(`${name} turn`, "turn"));
      // Fails as of this commit: on A, x's next turn is given the aborted prompt too (A's local
      // rollout, which codex had appended to, is used as is); B restores the session stored after
      // turn 1, without it. See src/bullmq/sessions.ts (restore) and run-turn.ts (runLocally).
      expect(neutral("x")).toEqual(neutral("y"));
    },
    scaled(90_000),
  );
});
