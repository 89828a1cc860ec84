import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { checkCount, checkThreadId } from "../option-values.js";
import { DEFAULT_RECONNECT_WITHIN_MS } from "./outage.js";
import { checkShutdownOptions } from "../option-values.js";
import type { ThreadOptions } from "../types/options.js";
import { InvalidOptionError } from "../types/errors.js";
import { QueueClosedError } from "./errors.js";
import { bounded } from "./bounded.js";
import { addressOf, connected, ownClient, type QueueConnection } from "./connection.js";
import { queueKeys } from "./keys.js";
import { WorkerPresence } from "./worker-presence.js";
import type { ProducerLink } from "./remote-turn.js";
import { Thread, threadJobOptions, type RemoteStreamedTurn } from "./thread.js";
import { attachTurn, type AttachOptions } from "./attach.js";
import { unfinishedTurns, type UnfinishedTurn } from "./unfinished-turns.js";
import { queueSnapshot, type QueueSnapshot } from "./queue-snapshot.js";
import { startQueuePage } from "./page/queue-page.js";
import type { DevtoolsOptions, DevtoolsServer } from "../devtools/types.js";
import type { TurnJobData } from "./turn-job.js";

/**
 * The options of a distributed `Codex`: where its queue is. What configures codex itself (binary,
 * key, config, env, supervision, transport) is the workers' (`startWorker({ codex })`): a
 * producer never sends it through Redis.
 */
export type DistributedCodexOptions = {
  /** The Redis connection and queue name its workers take turns from. */
  queue: QueueConnection & {
    /**
     * How long a followed turn waits to be taken while no worker is connected to the queue,
     * in ms, before it is cancelled with `NoWorkerError`; default 60 000, 0 for no bound. A busy
     * queue (its workers connected) is waited on however long.
     */
    noWorkerTimeoutMs?: number;
  };
};

/** How long a turn waits while the queue has no worker, by default, in ms. */
const DEFAULT_NO_WORKER_TIMEOUT_MS = 60_000;

/** How long `shutdown()` lets followed turns end by default, in ms. */
const DEFAULT_SHUTDOWN_MS = 10_000;

/** How long closing the queue's connections may take before they are dropped, in ms. */
const CLOSE_BOUND_MS = 1_000;

/**
 * The official SDK's `Codex`, with every turn a BullMQ job that runs on whichever worker takes it
 * (`startWorker`). Connects on the first turn: a Redis that does not answer rejects that turn with
 * `RedisUnavailableError`.
 */
export class Codex {
  private link: Promise<ProducerLink> | undefined;
  /** Its queues: one per connection opened (a new one after a connection ended for good). */
  private readonly queues = new Set<Queue<TurnJobData>>();
  /** Its Redis clients: the shared one for short commands, and each followed turn's reader. */
  private readonly readers = new Set<Redis>();
  private readonly stop = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private readonly pages = new Set<DevtoolsServer>();
  private closed = false;

  constructor(private readonly options: DistributedCodexOptions) {
    const given = options as Record<string, unknown> | undefined;
    const queue = given?.queue as Partial<ProducerQueue> | undefined;
    if (!queue || typeof queue !== "object" || queue.connection === undefined)
      throw new InvalidOptionError(
        "queue",
        "expected { connection, name } (where the workers are)",
      );
    if (typeof queue.name !== "string" || queue.name === "")
      throw new InvalidOptionError("queue.name", "expected a non-empty string");
    checkCount("queue.reconnectWithinMs", queue.reconnectWithinMs, 0);
    checkCount("queue.noWorkerTimeoutMs", (queue as ProducerQueue).noWorkerTimeoutMs, 0);
    for (const key of Object.keys(given ?? {}))
      if (key !== "queue")
        throw new InvalidOptionError(
          key,
          "configures codex, which runs on the workers: give it to `startWorker({ codex })`",
        );
  }

  /** A new thread; its first turn starts it on a worker. */
  startThread(options: ThreadOptions = {}): Thread {
    return new Thread(() => this.connect(), threadJobOptions(options), null);
  }

  /** A thread by the id of an earlier one: its next turn resumes it on whichever worker takes it. */
  resumeThread(id: string, options: ThreadOptions = {}): Thread {
    return new Thread(() => this.connect(), threadJobOptions(options), checkThreadId(id));
  }

  /**
   * The queue's turns that have not ended (queued or running, and on which worker), oldest
   * first; only those of `threadId` if given. From any producer: with `attach`, a producer that
   * restarted finds its turns again.
   */
  async unfinishedTurns(filter: { threadId?: string } = {}): Promise<UnfinishedTurn[]> {
    const threadId = filter.threadId === undefined ? undefined : checkThreadId(filter.threadId);
    return unfinishedTurns(await this.connect(), threadId);
  }

  /**
   * What the queue holds now: the workers connected to it, its queued and running turns (with
   * the worker holding each), and the latest `finished` (default 50) turns that ended.
   */
  async queueSnapshot(options: { finished?: number } = {}): Promise<QueueSnapshot> {
    checkCount("finished", options.finished, 0);
    return queueSnapshot(await this.connect(), options.finished ?? 50);
  }

  /**
   * Serves a read-only page of the queue (`queueSnapshot()`, refreshed every second) on
   * 127.0.0.1; its `url` carries the token every request needs. Closed by `shutdown()`.
   */
  async devtools(options: DevtoolsOptions = {}): Promise<DevtoolsServer> {
    if (this.closed) throw new QueueClosedError("The distributed Codex is shut down.");
    const page = await startQueuePage(() => this.queueSnapshot(), options);
    this.pages.add(page);
    return page;
  }

  /**
   * Follows a turn in the queue by its id (`RemoteStreamedTurn.turnId`, `unfinishedTurns()`),
   * whichever producer enqueued it: its events from the first, and its `Turn`. A turn that ended
   * is read back while its stream is kept (`keepStreamSeconds`). Aborting `signal` cancels it.
   */
  attach<T = unknown>(turnId: string, options: AttachOptions = {}): RemoteStreamedTurn<T> {
    if (typeof turnId !== "string" || turnId === "")
      throw new InvalidOptionError("turnId", "expected a turn's id, a non-empty string");
    return attachTurn<T>(() => this.connect(), turnId, options);
  }

  /**
   * Stops enqueueing turns (new ones reject with `QueueClosedError`), gives the turns being
   * followed `timeoutMs` (default 10 s) to end, then stops following them (they reject with
   * `QueueClosedError`; they run on, on their workers) and closes the connections.
   */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    checkShutdownOptions(options);
    this.closed = true;
    const grace = options.timeoutMs ?? DEFAULT_SHUTDOWN_MS;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => (timer = setTimeout(resolve, grace))),
    ]);
    clearTimeout(timer);
    this.stop.abort();
    // Each follower sees the stop within one blocking read; one stuck on Redis is cut off.
    await bounded(Promise.allSettled([...this.running]), CLOSE_BOUND_MS).catch(() => undefined);
    for (const reader of this.readers) reader.disconnect();
    await Promise.all([...this.pages].map((page) => page.close()));
    await this.closeQueue();
  }

  /** Closes the queues' connections: politely if Redis answers, at once if not (bounded). */
  private async closeQueue(): Promise<void> {
    await Promise.all(
      [...this.queues].map(async (queue) => {
        await bounded(queue.close(), CLOSE_BOUND_MS).catch(() => undefined);
        await bounded(queue.disconnect(), CLOSE_BOUND_MS).catch(() => undefined);
      }),
    );
  }

  private connect(): Promise<ProducerLink> {
    if (this.closed) return Promise.reject(new QueueClosedError());
    return (this.link ??= this.open().catch((error: unknown) => {
      this.link = undefined;
      throw error;
    }));
  }

  private async open(): Promise<ProducerLink> {
    const { connection, name, prefix } = this.options.queue;
    const address = addressOf(connection);
    const commands = await connected(ownClient(connection), connection, "enqueue a turn");
    commands.on("error", () => undefined);
    this.readers.add(commands); // disconnected by shutdown()
    const queue = new Queue<TurnJobData>(name, { connection, prefix });
    queue.on("error", () => undefined);
    this.queues.add(queue);
    const link = this.link;
    // A connection its retryStrategy gave up on is not used again: the next call connects anew,
    // and the queue beside it is closed (a turn still following it reads through its own reader).
    commands.once("end", () => {
      this.readers.delete(commands);
      if (this.closed || this.link !== link) return;
      this.link = undefined;
      this.queues.delete(queue);
      void bounded(queue.disconnect(), CLOSE_BOUND_MS).catch(() => undefined);
    });
    return {
      queue,
      keys: queueKeys(name, prefix),
      commands,
      address,
      reconnectWithinMs: this.options.queue.reconnectWithinMs ?? DEFAULT_RECONNECT_WITHIN_MS,
      presence: presenceOf(queue, this.options.queue.noWorkerTimeoutMs),
      shutdown: this.stop.signal,
      began: () => {
        let ended!: () => void;
        const turn = new Promise<void>((resolve) => (ended = resolve));
        this.running.add(turn);
        return () => {
          this.running.delete(turn);
          ended();
        };
      },
      reader: async () => {
        const reader = await connected(ownClient(connection), connection, "read a turn's events");
        reader.on("error", () => undefined);
        this.readers.add(reader);
        reader.once("end", () => this.readers.delete(reader));
        return reader;
      },
    };
  }
}

/** The producer's `queue` option. */
type ProducerQueue = DistributedCodexOptions["queue"];

/** Who watches the queue's workers for its turns: none when waiting has no bound. */
function presenceOf(queue: Queue, timeoutMs = DEFAULT_NO_WORKER_TIMEOUT_MS): WorkerPresence | null {
  return timeoutMs === 0 ? null : new WorkerPresence(queue, timeoutMs);
}
