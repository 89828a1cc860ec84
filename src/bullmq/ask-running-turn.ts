import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { CodexError, InvalidOptionError } from "../types/errors.js";
import { TurnInterruptedError, TurnNotRunningError } from "../types/app-server-errors.js";
import type { Input } from "../types/options.js";
import { bounded } from "./bounded.js";
import { CONTROL_TTL_SECONDS, type ControlReply, type ControlRequest } from "./control-request.js";
import { QueueClosedError, QueueError, RedisUnavailableError, RemoteTurnError } from "./errors.js";
import { rebuildError, serializeError } from "./remote-errors.js";
import type { TurnEnd } from "./turn-job.js";
import type { ProducerLink } from "./remote-turn.js";
import { turnHasEnded } from "./thread-order.js";
import { endFromOutside, INTERRUPTED_BY_PRODUCER, ORPHAN_TTL_SECONDS } from "./turn-record.js";

/** How long one wait for the worker's answer blocks before the turn's end is looked at, in s. */
const WAIT_SECONDS = 1;

/** How long one command to Redis may take here, in ms. */
const COMMAND_TIMEOUT_MS = 10_000;

/**
 * Adds input to a remote turn: the worker running it (or the one that takes it, if it is still
 * queued) steers its local turn, and its answer is this promise's: resolved, or the worker's
 * error (`UnsupportedError` on an exec worker, `TurnNotRunningError`). Rejects with
 * `TurnNotRunningError` once the turn has ended without taking it (the request withdrawn).
 */
export async function steerRemoteTurn(
  link: ProducerLink,
  turnId: string,
  input: Input,
): Promise<void> {
  const request: ControlRequest = { id: randomUUID(), kind: "steer", input: plainInput(input) };
  if (!(await askRunningTurn(link, turnId, request))) throw new TurnNotRunningError("has ended");
}

/**
 * Interrupts a remote turn: its record is marked (a worker that takes it later ends it without a
 * run; one that runs it ends it at its next event), and the worker running it interrupts its
 * local turn at once. It ends with `TurnInterruptedError` and is not restarted. Resolves once
 * its end is in the queue (or it had ended).
 */
export async function interruptRemoteTurn(link: ProducerLink, turnId: string): Promise<void> {
  await askRunningTurn(link, turnId, { id: randomUUID(), kind: "interrupt" });
}

/** `input` as plain data a request carries; `InvalidOptionError` for anything else. */
function plainInput(input: Input): Input {
  try {
    if (typeof input === "string" || Array.isArray(input))
      return JSON.parse(JSON.stringify(input)) as Input;
  } catch {
    // Not data: refused below.
  }
  throw new InvalidOptionError(
    "input",
    "expected a string or an array of input parts (plain data)",
  );
}

/**
 * Puts `request` on the turn's control list and tells the workers (again every second: a
 * subscriber reconnecting may miss it), then waits: a steer for the answer of the worker that
 * runs the turn (true; rejecting with the worker's error if the answer is one), an interrupt
 * for the turn's end. A turn that ends first withdraws the request (false for a steer), as does
 * any failure here.
 */
async function askRunningTurn(
  link: ProducerLink,
  turnId: string,
  request: ControlRequest,
): Promise<boolean> {
  const reader = await link.reader();
  const list = link.keys.control(turnId);
  const replies = link.keys.controlReply(request.id);
  const json = JSON.stringify(request);
  const withdraw = () =>
    bounded(reader.multi().lrem(list, 1, json).del(replies).exec(), COMMAND_TIMEOUT_MS);
  try {
    const ask = reader.multi();
    if (request.kind === "interrupt") {
      const record = link.keys.record(turnId);
      ask.hset(record, "interrupted", "1").expire(record, ORPHAN_TTL_SECONDS, "NX");
    }
    ask.rpush(list, json).expire(list, CONTROL_TTL_SECONDS);
    await bounded(ask.exec(), COMMAND_TIMEOUT_MS);
    for (;;) {
      if (link.shutdown.aborted) throw shutDown();
      if (request.kind === "interrupt" && (await endIfQueued(link, reader, turnId))) {
        await withdraw();
        return true;
      }
      if (await turnHasEnded(reader, link.keys, link.queue, turnId)) {
        const late =
          request.kind === "steer" && (await bounded(reader.lpop(replies), COMMAND_TIMEOUT_MS));
        if (late) return settled(late);
        await withdraw();
        return false;
      }
      await bounded(reader.publish(link.keys.controlChannel, turnId), COMMAND_TIMEOUT_MS);
      const answer = await bounded(
        reader.blpop(replies, WAIT_SECONDS),
        COMMAND_TIMEOUT_MS + WAIT_SECONDS * 1_000,
      );
      if (answer && request.kind === "steer") return settled(answer[1]);
    }
  } catch (error) {
    if (!(error instanceof CodexError)) await withdraw().catch(() => undefined);
    if (error instanceof CodexError || error instanceof QueueError) throw error;
    // Shutdown cut the reader's connection: that, not Redis, ended the wait.
    if (link.shutdown.aborted) throw shutDown();
    throw new RedisUnavailableError(link.address, "reach the running turn", { cause: error });
  } finally {
    reader.disconnect();
  }
}

const shutDown = () =>
  new QueueClosedError("The distributed Codex was shut down before the turn answered.");

/** True for a worker's `ok` answer; throws the error of any other. */
function settled(json: string): true {
  let reply: ControlReply;
  try {
    reply = JSON.parse(json) as ControlReply;
  } catch {
    throw new RemoteTurnError("ControlReply", undefined, "the worker's answer could not be read");
  }
  if (!reply.ok) throw rebuildError(reply.error);
  return true;
}

/** How long the end of a turn interrupted in the queue is kept, in s (a worker's default). */
const KEEP_INTERRUPTED_SECONDS = 3_600;

/**
 * Ends an interrupted turn that waits in the queue, taken by no worker: its end is written from
 * here (a worker that takes it meanwhile is fenced out, or finds the end) and its job removed.
 * False if a worker holds it (it ends it there) or it is not in the queue.
 */
async function endIfQueued(link: ProducerLink, client: Redis, turnId: string): Promise<boolean> {
  const job = await bounded(link.queue.getJob(turnId), COMMAND_TIMEOUT_MS);
  const state = job ? await bounded(job.getState(), COMMAND_TIMEOUT_MS) : "missing";
  if (!job || (state !== "waiting" && state !== "delayed" && state !== "prioritized")) return false;
  const error = serializeError(new TurnInterruptedError(INTERRUPTED_BY_PRODUCER));
  const end: TurnEnd = { ok: false, threadId: job.data.threadId, error };
  await bounded(
    endFromOutside(client, link.keys, turnId, end, KEEP_INTERRUPTED_SECONDS),
    COMMAND_TIMEOUT_MS,
  );
  await bounded(link.queue.remove(turnId), COMMAND_TIMEOUT_MS).catch(() => 0); // held: it reports the end
  return true;
}
