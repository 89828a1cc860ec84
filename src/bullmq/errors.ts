/**
 * The failures only distributed turns meet, each an exported class with a stable `name` and
 * `kind`. A turn that failed on a worker rejects with the worker's own error class (a
 * `CodexError` of the main entry) where it has one; these cover what lies between.
 */

/** Every kind of `QueueError`, as its `kind` says it. */
export type QueueErrorKind =
  | "redis_unavailable"
  | "session_too_large"
  | "session_restore_failed"
  | "remote_failure"
  | "turn_lost"
  | "worker_lost"
  | "events_lost"
  | "queue_closed"
  | "no_worker";

/** The base class of the errors of `codex-actors/bullmq`. */
export abstract class QueueError extends Error {
  abstract readonly kind: QueueErrorKind;
}

/**
 * Redis did not answer within `timeoutMs` (not running, wrong address, refused credentials), or a
 * command failed because the connection was lost. The message names the host and port, never a
 * password.
 */
export class RedisUnavailableError extends QueueError {
  override readonly name = "RedisUnavailableError";
  readonly kind = "redis_unavailable";
  constructor(
    /** Where Redis was looked for, `host:port` (or "a client you gave"). */
    readonly address: string,
    /** What was being done: "start the worker", "enqueue a turn", ... */
    readonly during: string,
    options?: ErrorOptions,
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(`Redis at ${address} is unavailable (could not ${during})${reason}`, options);
  }
}

/**
 * The thread's codex session (its rollout file) is larger than `maxSessionBytes`, so it was not
 * stored in Redis and the thread cannot move to another worker. The turn itself completed on the
 * worker, and all its events were streamed: only its result is withheld.
 */
export class SessionTooLargeError extends QueueError {
  override readonly name = "SessionTooLargeError";
  readonly kind = "session_too_large";
  constructor(
    readonly threadId: string,
    /** The rollout file's size, in bytes. */
    readonly bytes: number,
    /** The bound it passed (`maxSessionBytes` of the worker). */
    readonly maxSessionBytes: number,
  ) {
    super(
      `The codex session of thread ${threadId} is ${bytes} bytes, more than maxSessionBytes ` +
        `(${maxSessionBytes}); it was not stored, so the thread can no longer move between ` +
        `workers. The turn itself completed on its worker.`,
    );
  }
}

/**
 * The worker could not put the thread's stored session in place of its own copy: writing the
 * rollout file failed, or its app-server would not forget the copy it has loaded (a failed
 * `thread.delete()` other than "no such thread"). The turn did not run, so it did not run on an
 * outdated history; run it again (another worker may take it), and look at `reason` on the
 * worker named by the queue's listing (a full disk, a file it may not remove).
 */
export class SessionRestoreError extends QueueError {
  override readonly name = "SessionRestoreError";
  readonly kind = "session_restore_failed";
  constructor(
    readonly threadId: string,
    /** What failed, as the worker saw it. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `The worker could not restore the stored session of thread ${threadId} (${reason}); ` +
        `the turn did not run. Run it again; if it fails again on this worker, see to its ` +
        `CODEX_HOME or restart it.`,
      options,
    );
  }
}

/**
 * A turn failed on the worker with an error this process cannot rebuild as its own class (not a
 * `CodexError` of this version): its `remoteName`, `remoteKind` and message, as the worker had them.
 */
export class RemoteTurnError extends QueueError {
  override readonly name = "RemoteTurnError";
  readonly kind = "remote_failure";
  constructor(
    readonly remoteName: string,
    readonly remoteKind: string | undefined,
    message: string,
  ) {
    super(`The turn failed on the worker (${remoteName}): ${message}`);
  }
}

/**
 * The turn's job ended in Redis without the turn's end: BullMQ failed it (its worker stalled more
 * often than `maxStalledCount` allows, or lost it), or it was removed. `reason` is BullMQ's.
 */
export class TurnLostError extends QueueError {
  override readonly name = "TurnLostError";
  readonly kind = "turn_lost";
  constructor(
    readonly turnId: string,
    readonly reason: string,
  ) {
    super(`The turn ${turnId} ended in the queue without a result: ${reason}`);
  }
}

/** A side effect a lost worker's attempt had reported: its item's type and id, and what it did. */
export type LostSideEffect = {
  /** `command_execution`, `file_change` or `mcp_tool_call`. */
  type: string;
  /** The item's id. */
  id: string;
  /** The command, the changed paths, or `server/tool`. */
  detail: string;
};

/**
 * The worker running the turn was lost mid-turn (killed, or it lost its job's lock), and the
 * worker that took the job over did not run it again: its attempt had started the
 * `sideEffects` listed (commands, file changes, MCP calls that may have done their work already;
 * set the worker's `supervision.restartAfterSideEffects` to re-run anyway), or the worker's
 * supervision policy refused another restart (`reason`).
 */
export class WorkerLostError extends QueueError {
  override readonly name = "WorkerLostError";
  readonly kind = "worker_lost";
  constructor(
    readonly turnId: string,
    /** What the lost attempts had started, in order (at most 20). */
    readonly sideEffects: LostSideEffect[],
    /** Why it was not run again, as supervision decided. */
    readonly reason: string,
  ) {
    const started =
      sideEffects.length === 0
        ? "before any command, file change or MCP call"
        : `after it had started ${sideEffects.map((effect) => `${effect.type} (${effect.detail})`).join(", ")}`;
    super(
      `The worker running turn ${turnId} was lost (killed, or its lock expired) ${started}; ` +
        `it was not run again: ${reason}.`,
    );
  }
}

/**
 * The turn's event stream was trimmed past events this consumer had not read yet (more than the
 * worker's `maxStreamEvents` were written before it read them): it cannot add the turn up.
 */
export class EventsLostError extends QueueError {
  override readonly name = "EventsLostError";
  readonly kind = "events_lost";
  constructor(
    readonly turnId: string,
    /** The number of the first event not read (from 1). */
    readonly expected: number,
    /** The number of the oldest event the stream still had. */
    readonly found: number,
  ) {
    super(
      `Events ${expected}–${found - 1} of turn ${turnId} were trimmed from its stream before they ` +
        `were read (the worker's maxStreamEvents bounds a turn's stream).`,
    );
  }
}

/** The producer was shut down: the turn was not enqueued, or is no longer followed. */
export class QueueClosedError extends QueueError {
  override readonly name = "QueueClosedError";
  readonly kind = "queue_closed";
  constructor(message = "The distributed Codex is shut down; the turn was not enqueued.") {
    super(message);
  }
}

/**
 * No worker has been connected to the queue for `noWorkerTimeoutMs` while the turn waited to be
 * taken: it was cancelled (it will not run). Start a worker (`startWorker`) on the queue `queue`,
 * or raise the producer's `queue.noWorkerTimeoutMs` (0: wait for one however long).
 */
export class NoWorkerError extends QueueError {
  override readonly name = "NoWorkerError";
  readonly kind = "no_worker";
  constructor(
    readonly turnId: string,
    readonly queue: string,
    readonly noWorkerTimeoutMs: number,
  ) {
    super(
      `No worker has been connected to the queue "${queue}" for ${noWorkerTimeoutMs} ms while ` +
        `turn ${turnId} waited; it was cancelled. Start a worker on the queue (startWorker), or ` +
        `raise the producer's queue.noWorkerTimeoutMs (0: no bound).`,
    );
  }
}
