/**
 * codex-actors/bullmq: durable, distributed turns on BullMQ and Redis. A producer's `Codex` has
 * the official SDK's API, and every turn is a BullMQ job that a worker (`startWorker`) runs on
 * its own supervised `Codex`, streaming the turn's events back through Redis and storing the
 * thread's codex session there so that any worker can take its next turn.
 */
export { Codex, type DistributedCodexOptions } from "./codex.js";
export { Thread, type RemoteStreamedTurn } from "./thread.js";
export type { AttachOptions } from "./attach.js";
export type { UnfinishedTurn } from "./unfinished-turns.js";
export type { FinishedTurn, QueueSnapshot } from "./queue-snapshot.js";
export { startWorker, type QueueWorker, type WorkerOptions, type WorkerTuning } from "./worker.js";
export type { QueueConnection } from "./connection.js";
export { DEFAULT_MAX_SESSION_BYTES } from "./sessions.js";
export {
  EventsLostError,
  NoWorkerError,
  QueueClosedError,
  QueueError,
  RedisUnavailableError,
  RemoteTurnError,
  SessionRestoreError,
  SessionTooLargeError,
  TurnLostError,
  WorkerLostError,
  type LostSideEffect,
  type QueueErrorKind,
} from "./errors.js";
