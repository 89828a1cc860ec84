import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { TurnObserver } from "../turn/turn-collector.js";
import type { ThreadEvent } from "../types/events.js";
import { AbortError, CodexError } from "../types/errors.js";
import {
  NoWorkerError,
  QueueClosedError,
  QueueError,
  RedisUnavailableError,
  TurnLostError,
} from "./errors.js";
import type { WorkerPresence } from "./worker-presence.js";
import { readEventStream, type LostCheck } from "./event-stream.js";
import { bounded } from "./bounded.js";
import { cancelTurn } from "./cancel-turn.js";
import { enlisted, enlistTurn } from "./thread-order.js";
import { untilAnswered } from "./outage.js";
import { jobSettled } from "./job-settled.js";
import type { QueueKeys } from "./keys.js";
import { rebuildError } from "./remote-errors.js";
import type { TurnJobData } from "./turn-job.js";

/** What a producer's turns share: the queue, the keys, its clients, shutdown. */
export type ProducerLink = {
  queue: Queue<TurnJobData>;
  keys: QueueKeys;
  /** The producer's Redis client for short, non-blocking commands (listings, snapshots). */
  commands: Redis;
  /** A connected Redis client of the turn's own (a blocking read holds its connection). */
  reader: () => Promise<Redis>;
  /** Where Redis is, for messages. */
  address: string;
  /** How long Redis may be unreachable while a turn is followed. */
  reconnectWithinMs: number;
  /** Whether the queue has been without a worker too long (null: waiting has no bound). */
  presence: WorkerPresence | null;
  /** Fired by `shutdown()` once its grace is over: followed turns stop being read. */
  shutdown: AbortSignal;
  /** Counts a turn as followed until the function it returns is called (`shutdown()` waits). */
  began: () => () => void;
};

/** How long one command to Redis may take before Redis counts as unavailable. */
const REDIS_TIMEOUT_MS = 10_000;

/**
 * One turn, run remotely: enqueues its job (or follows one in the queue already), then yields the events its worker streams (from the
 * first, wherever the worker got to), feeding `observer`, and ends as the worker's turn ended —
 * its error rebuilt as the same class. An abort cancels the turn (`cancelTurn`: its codex is
 * stopped on the worker); a `break` stops following it and it runs on. Either way `hold` is given
 * a promise of its end in the queue (the thread's next turn waits for it).
 */
export async function* remoteTurn(
  link: ProducerLink,
  /**
   * The turn's id, its job to add (none: the turn is in the queue already), and what to call
   * once the job is in the queue.
   */
  turn: { turnId: string; job?: TurnJobData; enqueued?: () => void },
  observer: TurnObserver,
  onThreadId: (id: string) => void,
  signal: AbortSignal | undefined,
  /** Given the turn's end in the queue when it is no longer followed (none: nobody waits). */
  hold: ((until: Promise<string | null>) => void) | undefined,
): AsyncGenerator<ThreadEvent, void> {
  let reader: Redis | undefined;
  let enqueued = false;
  let settled = false;
  const ended = link.began();
  try {
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
    reader = await link.reader();
    if (turn.job) await enqueue(link, reader, turn.job);
    enqueued = true;
    turn.enqueued?.();
    const events = readEventStream(
      reader,
      link.keys.events(turn.turnId),
      turn.turnId,
      lostCheck(link, reader, turn.turnId),
      { user: signal, shutdown: link.shutdown },
      link.reconnectWithinMs,
    );
    for (;;) {
      const next = await events.next();
      if (next.done) {
        settled = true;
        const end = next.value;
        if (end.threadId) onThreadId(end.threadId);
        if (!end.ok) throw rebuildError(end.error);
        observer.end({ result: { status: "completed", attempts: end.attempts } });
        return;
      }
      if (next.value.type === "thread.started") onThreadId(next.value.thread_id);
      observer.event(next.value);
      yield next.value;
    }
  } catch (thrown) {
    // What is not a typed failure came from the Redis client: the connection is lost.
    const error =
      thrown instanceof CodexError || thrown instanceof QueueError
        ? thrown
        : link.shutdown.aborted
          ? new QueueClosedError(
              `The distributed Codex was shut down while turn ${turn.turnId} ran.`,
            )
          : new RedisUnavailableError(link.address, "follow the turn", { cause: thrown });
    if (error instanceof TurnLostError) settled = true;
    // Only this consumer's own abort cancels the turn (an AbortError that is the worker's end,
    // the turn cancelled elsewhere, is over already), or a queue without workers.
    if ((signal?.aborted || error instanceof NoWorkerError) && enqueued && reader) {
      const client = reader;
      await untilAnswered(
        () => bounded(cancelTurn(link.queue, link.keys, client, turn.turnId), REDIS_TIMEOUT_MS),
        link.reconnectWithinMs,
      ).catch(() => 0);
    }
    observer.end({ error });
    throw error;
  } finally {
    reader?.disconnect();
    ended();
    if (hold && enqueued && !settled)
      hold(jobSettled(link.queue, turn.turnId, link.shutdown, REDIS_TIMEOUT_MS));
  }
}

/** Adds the turn's job, after the turns of its thread enqueued before it (by any producer). */
async function enqueue(link: ProducerLink, client: Redis, data: TurnJobData): Promise<void> {
  try {
    await bounded(enlistTurn(client, link.keys, data.threadId, data.turnId), REDIS_TIMEOUT_MS);
    await bounded(link.queue.add("turn", data, { jobId: data.turnId }), REDIS_TIMEOUT_MS);
  } catch (cause) {
    // An add that got no answer may still land: cancelled, it fails without running.
    await bounded(cancelTurn(link.queue, link.keys, client, data.turnId), REDIS_TIMEOUT_MS).catch(
      () => 0,
    );
    throw new RedisUnavailableError(link.address, "enqueue a turn", { cause });
  } finally {
    // Added or given up: either way its job now says whether it ended (the mark would expire).
    await bounded(enlisted(client, link.keys, data.turnId), REDIS_TIMEOUT_MS).catch(() => 0);
  }
}

/**
 * Whether the turn is lost, asked when its stream has been silent: its job failed or finished,
 * or is gone, and its stream holds no end (which the reader would read next).
 */
function lostCheck(link: ProducerLink, client: Redis, turnId: string): LostCheck {
  const key = link.keys.events(turnId);
  const ended = async () => {
    const [last] = await client.xrevrange(key, "+", "-", "COUNT", 1);
    return last !== undefined && last[1].includes("end");
  };
  // Its producer is adding its job (the mark goes once the job is there).
  const adding = async () => (await client.exists(link.keys.enlisting(turnId))) === 1;
  return async () => {
    // The mark first: seen gone, any job looked for after it is there (or will never be).
    const beingAdded = await bounded(adding(), REDIS_TIMEOUT_MS);
    const job = await bounded(link.queue.getJob(turnId), REDIS_TIMEOUT_MS);
    const state = job ? await bounded(job.getState(), REDIS_TIMEOUT_MS) : "missing";
    const { presence } = link;
    if (state === "waiting" || state === "delayed" || state === "prioritized")
      return presence && (await presence.absentTooLong())
        ? new NoWorkerError(turnId, link.queue.name, presence.timeoutMs)
        : undefined;
    if (state !== "failed" && state !== "completed" && state !== "missing" && state !== "unknown")
      return undefined;
    if (state === "missing" && beingAdded) return undefined;
    if (await ended()) return undefined;
    const reason =
      state === "failed"
        ? (job?.failedReason ?? "its job failed")
        : state === "completed"
          ? "its job is completed but its events are not in Redis"
          : "no job of that id is in the queue (never enqueued, or removed) and its events are not in Redis";
    return new TurnLostError(turnId, reason);
  };
}
