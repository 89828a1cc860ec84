import type { Job } from "bullmq";
import { bounded } from "./bounded.js";
import type { ProducerLink } from "./remote-turn.js";
import type { TurnJobData } from "./turn-job.js";
import { unfinishedTurns, type UnfinishedTurn } from "./unfinished-turns.js";

/** A turn that has ended in the queue, as `queueSnapshot()` lists it. */
export type FinishedTurn = {
  /** The turn's id (its job's). */
  turnId: string;
  /** Its thread's id, when the worker reported one. */
  threadId: string | null;
  /** How its job ended. */
  outcome: "completed" | "failed";
  /** Why it failed (the worker's error, `Name: message`), or null. */
  error: string | null;
  /** The worker that ended it (its `workerId`), if known. */
  worker: string | null;
  finishedAt: Date | null;
};

/** What the queue holds now: its workers, its queued and running turns, the latest ended ones. */
export type QueueSnapshot = {
  /** The `workerId`s of the workers connected to the queue. */
  workers: string[];
  /** Turns waiting for a worker (or delayed behind their thread's turn before), oldest first. */
  queued: UnfinishedTurn[];
  /** Turns a worker holds, oldest first. */
  running: UnfinishedTurn[];
  /** The latest turns that ended, newest first. */
  finished: FinishedTurn[];
};

/** How long one question to Redis may take here. */
const COMMAND_TIMEOUT_MS = 10_000;

/** The queue now, with at most `finished` ended turns (newest first). */
export async function queueSnapshot(link: ProducerLink, finished: number): Promise<QueueSnapshot> {
  const [unfinished, ended, clients] = await Promise.all([
    unfinishedTurns(link, undefined),
    finished === 0
      ? Promise.resolve([])
      : bounded(link.queue.getJobs(["completed", "failed"], 0, finished - 1), COMMAND_TIMEOUT_MS),
    // CLIENT LIST may be refused (managed Redis): the rest of the snapshot still stands.
    bounded(link.queue.getWorkers(), COMMAND_TIMEOUT_MS).catch(() => []),
  ]);
  const workers = new Set(clients.map((client) => workerIdOf(client.rawname ?? "")));
  workers.delete(null);
  return {
    workers: [...workers].sort() as string[],
    queued: unfinished.filter((turn) => turn.state === "queued"),
    running: unfinished.filter((turn) => turn.state === "running"),
    finished: (ended as Job<TurnJobData>[])
      .filter(Boolean)
      .map(finishedTurn)
      .sort((a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0))
      .slice(0, finished),
  };
}

/** A worker's id from the name of its Redis connection (`…:w:<workerId>`), or null. */
function workerIdOf(clientName: string): string | null {
  const at = clientName.lastIndexOf(":w:");
  return at < 0 ? null : clientName.slice(at + 3);
}

function finishedTurn(job: Job<TurnJobData>): FinishedTurn {
  const failed = job.failedReason !== undefined && job.failedReason !== null;
  const { threadId } = (job.returnvalue ?? {}) as { threadId?: unknown };
  return {
    turnId: job.id ?? job.data.turnId,
    threadId: typeof threadId === "string" ? threadId : job.data.threadId,
    outcome: failed ? "failed" : "completed",
    error: failed ? job.failedReason : null,
    worker: job.processedBy ?? null,
    finishedAt: job.finishedOn === undefined ? null : new Date(job.finishedOn),
  };
}
