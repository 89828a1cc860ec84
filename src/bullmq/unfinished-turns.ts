import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { QueueKeys } from "./keys.js";
import type { ThreadEvent } from "../types/events.js";
import { bounded } from "./bounded.js";
import type { ProducerLink } from "./remote-turn.js";
import type { TurnJobData } from "./turn-job.js";

/** A turn in the queue that has not ended, as `Codex.unfinishedTurns()` lists it. */
export type UnfinishedTurn = {
  /** The turn's id: `Codex.attach(turnId)` follows it. */
  turnId: string;
  /** Its thread's id: null for a new thread's first turn until its worker has started it. */
  threadId: string | null;
  /** `queued` (waiting for a worker, or delayed) or `running` (a worker holds it). */
  state: "queued" | "running";
  /** The worker holding it (its `workerId`), or null while queued. */
  worker: string | null;
  /** When its job was added. */
  enqueuedAt: Date;
  /** When its worker took it (the latest take), or null while queued. */
  startedAt: Date | null;
};

/** How long one listing may wait on Redis. */
const LIST_TIMEOUT_MS = 10_000;

/**
 * The queue's unfinished turns, oldest first, those of thread `threadId` only if given. A new
 * thread's first turn is matched by the `thread.started` its worker streamed.
 */
export async function unfinishedTurns(
  link: ProducerLink,
  threadId: string | undefined,
): Promise<UnfinishedTurn[]> {
  const jobs = await bounded(
    link.queue.getJobs(["active", "waiting", "delayed", "prioritized"]),
    LIST_TIMEOUT_MS,
  );
  const turns = await Promise.all(
    jobs.filter(Boolean).map((job) => turnOf(link.keys, link.commands, job)),
  );
  return turns
    .filter((turn): turn is UnfinishedTurn => turn !== undefined)
    .filter((turn) => threadId === undefined || turn.threadId === threadId)
    .sort((a, b) => a.enqueuedAt.getTime() - b.enqueuedAt.getTime());
}

/** The turn of `job`, or undefined if it has ended (its end written; the job not moved yet). */
async function turnOf(
  keys: QueueKeys,
  client: Redis,
  job: Job<TurnJobData>,
): Promise<UnfinishedTurn | undefined> {
  if (await bounded(client.hexists(keys.record(job.data.turnId), "end"), LIST_TIMEOUT_MS)) return;
  const running = job.processedOn !== undefined && (await job.isActive());
  return {
    turnId: job.id ?? job.data.turnId,
    threadId: job.data.threadId ?? (await startedThread(keys, client, job.data.turnId)),
    state: running ? "running" : "queued",
    worker: running ? (job.processedBy ?? null) : null,
    enqueuedAt: new Date(job.timestamp),
    startedAt: running && job.processedOn !== undefined ? new Date(job.processedOn) : null,
  };
}

/** The thread id a new thread's turn reported first in its stream, if it has yet. */
async function startedThread(
  keys: QueueKeys,
  client: Redis,
  turnId: string,
): Promise<string | null> {
  const [first] = await bounded(
    client.xrange(keys.events(turnId), "-", "+", "COUNT", 1),
    LIST_TIMEOUT_MS,
  );
  const at = first?.[1].indexOf("event") ?? -1;
  const json = at < 0 ? undefined : first?.[1][at + 1];
  if (json === undefined) return null;
  const event = JSON.parse(json) as ThreadEvent;
  return event.type === "thread.started" ? event.thread_id : null;
}
