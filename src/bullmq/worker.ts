import { hostname } from "node:os";
import { DelayedError, Worker, type WorkerOptions as BullWorkerOptions } from "bullmq";
import { Codex } from "../codex.js";
import { checkCount, checkObject } from "../option-values.js";
import { InvalidOptionError } from "../types/errors.js";
import { AppServerRequestError } from "../types/app-server-errors.js";
import type { CodexOptions } from "../types/options.js";
import type { TransportName } from "../types/app-server.js";
import type { Redis } from "ioredis";
import { bounded } from "./bounded.js";
import {
  addressOf,
  CONNECT_TIMEOUT_MS,
  connected,
  ownClient,
  type QueueConnection,
} from "./connection.js";
import { RedisUnavailableError } from "./errors.js";
import { DEFAULT_RECONNECT_WITHIN_MS, untilAnswered } from "./outage.js";
import { queueKeys, type QueueKeys } from "./keys.js";
import { TurnControls } from "./turn-controls.js";
import { codexHomeOf, DEFAULT_MAX_SESSION_BYTES, SessionStore } from "./sessions.js";
import { reportOnce } from "./report-errors.js";
import { runTurnJob, type TurnRunner } from "./run-turn.js";
import type { TurnJobData } from "./turn-job.js";
import { LeaseLostError, ThreadBusyError, TurnRecord } from "./turn-record.js";
import { ORDER_POLL_MS, ThreadOrder } from "./thread-order.js";
import { resolvePolicy } from "../supervision/policy.js";

/** BullMQ settings a worker passes through (durations in ms; BullMQ's defaults otherwise). */
export type WorkerTuning = Pick<
  BullWorkerOptions,
  "lockDuration" | "lockRenewTime" | "stalledInterval" | "drainDelay" | "maxStalledCount"
>;

/**
 * How often a turn's job may stall (its worker lost) before BullMQ fails it itself
 * (`TurnLostError`); below that, the supervision policy decides each re-take.
 */
const DEFAULT_MAX_STALLED_COUNT = 10;

/** How to start a worker: where its queue is, how many turns at once, and its local codex. */
export type WorkerOptions = QueueConnection & {
  /** This worker's name in the producers' listings (`unfinishedTurns`); default `host:pid`. */
  workerId?: string;
  /** Turns this worker runs at once (default 1). */
  concurrency?: number;
  /** The options of the worker's local `Codex` (binary, key, config, env, supervision, transport). */
  codex?: CodexOptions;
  /** The bound on a thread's stored session (its rollout file), in bytes; default 16 MiB. */
  maxSessionBytes?: number;
  /** Events a turn's stream keeps (approximately, at least this many); default 10 000. */
  maxStreamEvents?: number;
  /** How long a turn's stream is kept after its end, in seconds; default 3 600. */
  keepStreamSeconds?: number;
  /** BullMQ's lock and stall settings. */
  bullmq?: WorkerTuning;
  /**
   * Called with what BullMQ or Redis reports outside any turn (a lost connection, say); by
   * default a process warning, once per message.
   */
  onError?: (error: Error) => void;
};

/** A running worker. */
export type QueueWorker = {
  /** The worker's local `Codex` (its snapshot, devtools, telemetry). */
  readonly codex: Codex;
  /**
   * Stops taking turns, lets the running ones finish (their events, sessions and ends written),
   * then shuts the local `Codex` down and closes its connections. With Redis gone, it still
   * resolves: the running turns give up after `reconnectWithinMs`, BullMQ's part after 5 s.
   */
  close(): Promise<void>;
};

/**
 * Starts a worker on the queue `name`: it takes turns as BullMQ jobs and runs each on a local,
 * supervised `Codex`. Rejects with `RedisUnavailableError` if Redis does not answer.
 *
 * A turn whose worker is lost (killed, or its lock expired) is taken over by another worker once
 * BullMQ's stall check finds it: run again if its attempt had started no command, file change or
 * MCP call and the supervision policy (`codex.supervision`) allows a restart, failed with
 * `WorkerLostError` otherwise. A finished turn is never run again.
 */
export async function startWorker(options: WorkerOptions): Promise<QueueWorker> {
  checkWorkerOptions(options);
  const { connection, name, prefix } = options;
  const codexOptions = options.codex ?? {};
  const codex = new Codex(codexOptions); // its options checked before Redis is asked anything
  const client = await connected(ownClient(connection), connection, "start the worker").catch(
    async (error: unknown) => {
      await codex.shutdown();
      throw error;
    },
  );
  client.on("error", () => undefined);
  const keys = queueKeys(name, prefix);
  const limits = {
    maxEvents: options.maxStreamEvents ?? 10_000,
    keepSeconds: options.keepStreamSeconds ?? 3_600,
    reconnectWithinMs: options.reconnectWithinMs ?? DEFAULT_RECONNECT_WITHIN_MS,
  };
  const sessions = new SessionStore(
    client,
    keys.session,
    codexHomeOf(codexOptions),
    options.maxSessionBytes ?? DEFAULT_MAX_SESSION_BYTES,
    {
      beforeReplacing:
        codexOptions.transport === "app-server" ? forgetOnAppServer(codex) : undefined,
      reconnectWithinMs: limits.reconnectWithinMs,
    },
  );
  const controls = new TurnControls(client, keys);
  const runner = {
    codex,
    sessions,
    policy: resolvePolicy(codexOptions.supervision, undefined),
    record: (turnId: string) => new TurnRecord(client, keys, turnId, limits),
    controls,
  };
  const running = new Set<Promise<unknown>>();
  let worker: Worker<TurnJobData>;
  try {
    const order = new ThreadOrder(client, keys);
    worker = bullWorker(options, runner, order, running, limits.reconnectWithinMs);
  } catch (error) {
    client.disconnect();
    await codex.shutdown();
    throw error;
  }
  worker.on("error", reportOnce(options.onError));
  const cancels = await producerListener(client, keys, worker, controls).catch(
    async (error: unknown) => {
      await forceClose(worker);
      await codex.shutdown();
      client.disconnect();
      throw new RedisUnavailableError(addressOf(connection), "start the worker", { cause: error });
    },
  );
  let closing: Promise<void> | undefined;
  return {
    codex,
    close: () =>
      (closing ??= (async () => {
        const graceful = worker.close(); // takes no more jobs
        // The running turns end (each Redis write bounded by reconnectWithinMs); what BullMQ does
        // in Redis after them is bounded too: with Redis gone it would wait for ever.
        await Promise.allSettled([...running]);
        await bounded(graceful, CLOSE_BOUND_MS).catch(() => forceClose(worker));
        cancels.disconnect();
        await codex.shutdown();
        await bounded(client.quit(), CLOSE_BOUND_MS).catch(() => client.disconnect());
      })()),
  };
}

/** How long looking at a job's place in its thread may take at once, in ms. */
const ORDER_TIMEOUT_MS = 10_000;

/** How long closing may wait on Redis once the running turns have ended, in ms. */
const CLOSE_BOUND_MS = 5_000;

/** Closes BullMQ's worker without waiting on Redis (it is gone): its connections dropped. */
async function forceClose(worker: Worker<TurnJobData>): Promise<void> {
  await bounded(worker.close(true), 1_000).catch(() => undefined);
  await bounded(worker.disconnect(), 1_000).catch(() => undefined);
}

/**
 * A subscription to what producers tell the workers: a turn its producer aborted is cancelled on
 * this worker if it runs it (the processor's signal stops its codex); a turn they steered or
 * interrupted has its requests taken by this worker if it runs it. Reconnects with its client.
 */
async function producerListener(
  client: Redis,
  keys: QueueKeys,
  worker: Worker<TurnJobData>,
  controls: TurnControls,
): Promise<Redis> {
  const subscriber = client.duplicate();
  subscriber.on("error", () => undefined);
  subscriber.on("message", (channel: string, turnId: string) => {
    if (channel === keys.cancel) worker.cancelJob(turnId, "cancelled by its producer");
    else controls.requested(turnId);
  });
  const channels = subscriber.subscribe(keys.cancel, keys.controlChannel);
  await bounded(channels, CONNECT_TIMEOUT_MS).catch((error: unknown) => {
    subscriber.disconnect();
    throw error;
  });
  return subscriber;
}

/**
 * BullMQ's worker on the queue, running each job's turn with `runner` once it is its thread's
 * next (`order`); a turn that is not waits as a delayed job.
 */
function bullWorker(
  options: WorkerOptions,
  runner: TurnRunner,
  order: ThreadOrder,
  /** The turns being run, each while it runs. */
  running: Set<Promise<unknown>>,
  /** How long Redis may be unreachable while a job is looked at. */
  reconnectWithinMs: number,
): Worker<TurnJobData> {
  const { connection, name, prefix } = options;
  /** The running jobs' leases, by job id (each aborted if BullMQ loses its lock). */
  const leases = new Map<string, AbortController>();
  const worker: Worker<TurnJobData> = new Worker<TurnJobData>(
    name,
    async (job, token, signal) => {
      const answered = <T>(command: () => Promise<T>) =>
        untilAnswered(() => bounded(command(), ORDER_TIMEOUT_MS), reconnectWithinMs);
      const waitTurn = async () => {
        await answered(() => job.moveToDelayed(Date.now() + ORDER_POLL_MS, token));
        return new DelayedError();
      };
      if (!(await answered(() => order.isNext(worker, job.data)))) throw await waitTurn();
      const lease = new AbortController();
      leases.set(job.id!, lease);
      const run = runTurnJob(runner, job.data, signal, lease.signal);
      running.add(run);
      const end = await run
        .catch(async (error: unknown) => {
          throw error instanceof ThreadBusyError ? await waitTurn() : error;
        })
        .finally(() => {
          running.delete(run);
          leases.delete(job.id!);
        });
      // Else dropped by the next look. A new thread's first turn leaves the list it was put on.
      const threadId = end.threadId ?? job.data.threadId;
      await order.ended(job.data.turnId, threadId).catch(() => undefined);
      if (!end.ok) throw new Error(`${end.error.name}: ${end.error.message}`);
      return { threadId: end.threadId };
    },
    {
      maxStalledCount: DEFAULT_MAX_STALLED_COUNT,
      ...options.bullmq,
      connection,
      prefix,
      concurrency: options.concurrency ?? 1,
      name: options.workerId ?? `${hostname()}:${process.pid}`,
      removeOnComplete: { age: options.keepStreamSeconds ?? 3_600 },
      removeOnFail: { age: 24 * 3_600 },
    },
  );
  // A job whose lock could not be renewed is another worker's to take: its codex stops now.
  worker.on("lockRenewalFailed", (jobIds) => {
    for (const id of jobIds) leases.get(id)?.abort(new LeaseLostError(id));
  });
  return worker;
}

/**
 * How a worker on the app-server transport replaces its copy of a thread that moved on elsewhere:
 * its app-server keeps a thread it has loaded in memory (even after `thread/unsubscribe`) and
 * would resume that, so it deletes the thread first; the newer session is then written in its
 * place and read on resume. A thread it does not know is nothing to delete; any other failure
 * is thrown (the turn must not run on the stale copy).
 */
function forgetOnAppServer(codex: Codex): (threadId: string) => Promise<void> {
  return async (threadId) => {
    try {
      await (codex as Codex<TransportName>).resumeThread(threadId).delete();
    } catch (error) {
      if (!isUnknownThread(error)) throw error;
    }
  };
}

/**
 * Whether the app-server refused a request because it knows no such thread: it answers
 * `-32600` ("no rollout found for thread id …"; checked on the binary), whereas a thread it
 * could not delete is `-32603` ("failed to delete rollout file …").
 */
const isUnknownThread = (error: unknown): boolean =>
  error instanceof AppServerRequestError &&
  error.code === -32600 &&
  /no rollout found/i.test(error.serverMessage);

/**
 * What a `workerId` may be: what Redis takes in a connection's name (`CLIENT SETNAME`), without
 * the `:w:` the listings find it after.
 */
const WORKER_ID = /^(?!w:)(?!.*:w:)[!-~]{1,200}$/;

/** Checks what `startWorker` takes itself (the local `Codex` checks its own options). */
function checkWorkerOptions(options: WorkerOptions): void {
  checkObject("startWorker options", options, true);
  if (typeof options.name !== "string" || options.name === "")
    throw new InvalidOptionError("name", "expected the queue's name, a non-empty string");
  const { workerId } = options;
  if (workerId !== undefined && (typeof workerId !== "string" || !WORKER_ID.test(workerId)))
    throw new InvalidOptionError(
      "workerId",
      "expected 1 to 200 visible ASCII characters, no spaces, no `:w:`, not starting `w:` (Redis names the " +
        "worker's connections by it)",
    );
  checkCount("concurrency", options.concurrency, 1);
  checkCount("maxSessionBytes", options.maxSessionBytes, 1);
  checkCount("maxStreamEvents", options.maxStreamEvents, 1);
  checkCount("keepStreamSeconds", options.keepStreamSeconds, 1);
  checkCount("reconnectWithinMs", options.reconnectWithinMs, 0);
}
