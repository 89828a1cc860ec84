import { Job } from "bullmq";
import type { Redis } from "ioredis";
import { bounded } from "./bounded.js";
import { luaScript } from "./lua-script.js";
import type { QueueKeys } from "./keys.js";
import type { TurnJobData } from "./turn-job.js";
import { ORPHAN_TTL_SECONDS } from "./turn-record.js";

/**
 * A thread's turns in call order, across producers and workers: every producer appends a turn's
 * id to its thread's list in Redis (`RPUSH`) before it adds the turn's job, and a worker runs a
 * job only when its turn heads its thread's list; otherwise the job waits as a delayed job and
 * comes back. A new thread's first turn is put at the head of its list by its worker, once codex
 * names the thread and before the name is streamed (`TurnRecord.holdThread`). A turn leaves the
 * list when it ends; a head whose turn ended without leaving (its
 * worker lost, its job failed or removed) is dropped by the next worker that looks.
 */

/**
 * How long a turn on its thread's list may have no job yet (its producer adds it right after):
 * past it, a producer that died in between is presumed gone and the turn is dropped.
 */
export const ENLIST_GRACE_MS = 30_000;

/** How long a turn that is not next waits before a worker looks again, in ms. */
export const ORDER_POLL_MS = 200;

/** Where BullMQ's jobs are read from: the worker, or a queue. */
type JobSource = Parameters<typeof Job.fromId>[0];

/** How long one question to Redis may take here. */
const COMMAND_TIMEOUT_MS = 10_000;

// KEYS: list. ARGV: the head to drop. Drops it only if it still heads the list.
const DROP_HEAD = luaScript(
  "DropHead",
  1,
  `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) end
return 1`,
);

// KEYS: list. ARGV: a turn. Appends it unless it is on the list.
const JOIN = luaScript(
  "Join",
  1,
  `
if redis.call('LPOS', KEYS[1], ARGV[1]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ${ORPHAN_TTL_SECONDS})
return 1`,
);

/**
 * Appends `turnId` to its thread's list (none: a new thread's first turn), the order the
 * thread's turns run in. Until `enlisted` says its job was added (at most `ENLIST_GRACE_MS`),
 * neither a worker nor a consumer that attached takes the turn for ended.
 */
export async function enlistTurn(
  client: Redis,
  keys: QueueKeys,
  threadId: string | null,
  turnId: string,
): Promise<void> {
  const mark = client.multi().set(keys.enlisting(turnId), "1", "PX", ENLIST_GRACE_MS);
  if (threadId !== null) {
    const list = keys.threadTurns(threadId);
    mark.rpush(list, turnId).expire(list, ORPHAN_TTL_SECONDS);
  }
  await mark.exec();
}

/** The job of the enlisted turn `turnId` was added: its job now says whether it ended. */
export async function enlisted(client: Redis, keys: QueueKeys, turnId: string): Promise<void> {
  await client.del(keys.enlisting(turnId));
}

/** The worker's side: whether a job may run now, and its turn's leaving when it ended. */
export class ThreadOrder {
  constructor(
    private readonly client: Redis,
    private readonly keys: QueueKeys,
  ) {}

  /**
   * Whether the job's turn heads its thread's list (or its thread has none: a new thread's first
   * turn, which its worker puts at the head once codex names the thread). Heads whose turns have ended are dropped on the way.
   */
  async isNext(jobs: JobSource, data: TurnJobData): Promise<boolean> {
    if (data.threadId === null) return true;
    const list = this.keys.threadTurns(data.threadId);
    for (;;) {
      const head = await bounded(this.client.lindex(list, 0), COMMAND_TIMEOUT_MS);
      if (head === null || head === data.turnId) return true;
      if (!(await turnHasEnded(this.client, this.keys, jobs, head))) {
        // A turn dropped from the list while its job was still coming (its producer stalled past
        // the grace) joins at its end: it waits for the turns there now, not for the list to empty.
        await bounded(JOIN(this.client, list, data.turnId), COMMAND_TIMEOUT_MS);
        return false;
      }
      await bounded(DROP_HEAD(this.client, list, head), COMMAND_TIMEOUT_MS);
    }
  }

  /** Takes the ended turn `turnId` off the list of its thread (none: it started no thread). */
  async ended(turnId: string, threadId: string | null): Promise<void> {
    if (threadId === null) return;
    const list = this.keys.threadTurns(threadId);
    await bounded(this.client.lrem(list, 1, turnId), COMMAND_TIMEOUT_MS);
  }
}

/**
 * Whether the turn `turnId` has ended: its end written, or its job gone (and not being added),
 * failed or done. `jobs`: where BullMQ's jobs are read from (a worker or a queue).
 */
export async function turnHasEnded(
  client: Redis,
  keys: QueueKeys,
  jobs: JobSource,
  turnId: string,
): Promise<boolean> {
  if (await bounded(client.hexists(keys.record(turnId), "end"), COMMAND_TIMEOUT_MS)) return true;
  // The mark first: its producer removes it only once the job is added, so a mark seen gone
  // means any job looked for after it is there (or its producer died).
  const adding = await bounded(client.exists(keys.enlisting(turnId)), COMMAND_TIMEOUT_MS);
  const job = await bounded(Job.fromId(jobs, turnId), COMMAND_TIMEOUT_MS);
  if (!job) return adding === 0;
  const state = await bounded(job.getState(), COMMAND_TIMEOUT_MS);
  return state === "completed" || state === "failed" || state === "unknown";
}
