import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { CodexError } from "../types/errors.js";
import { TurnNotRunningError } from "../types/app-server-errors.js";
import type { Input } from "../types/options.js";
import { bounded } from "./bounded.js";
import { CONTROL_TTL_SECONDS, type ControlReply, type ControlRequest } from "./control-request.js";
import { QueueClosedError, QueueError, RedisUnavailableError } from "./errors.js";
import { rebuildError } from "./remote-errors.js";
import type { ProducerLink } from "./remote-turn.js";

/** How long one wait for the worker's answer blocks before the turn's end is looked at, in s. */
const WAIT_SECONDS = 1;

/** How long one command to Redis may take here, in ms. */
const COMMAND_TIMEOUT_MS = 10_000;

/**
 * Adds input to a remote turn: the worker running it (or the one that takes it, if it is still
 * queued) steers its local turn, and its answer is this promise's: resolved, or the worker's
 * error (`UnsupportedError` on an exec worker, `TurnNotRunningError`). Rejects with
 * `TurnNotRunningError` once the turn has ended without taking it.
 */
export async function steerRemoteTurn(
  link: ProducerLink,
  turnId: string,
  input: Input,
): Promise<void> {
  const answered = await askRunningTurn(link, turnId, { id: randomUUID(), kind: "steer", input });
  if (!answered) throw new TurnNotRunningError("has ended");
}

/**
 * Interrupts a remote turn: the worker interrupts its local turn, which ends with
 * `TurnInterruptedError` and is not restarted. Resolves once the worker's turn has settled (at
 * once if the turn had ended already).
 */
export async function interruptRemoteTurn(link: ProducerLink, turnId: string): Promise<void> {
  await askRunningTurn(link, turnId, { id: randomUUID(), kind: "interrupt" });
}

/**
 * Puts `request` on the turn's control list, tells the workers, and waits for the answer of the
 * one that runs the turn. Resolves true once answered (rejecting with the worker's error if the
 * answer is one), false if the turn ended unanswered (the request is withdrawn).
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
  try {
    await bounded(
      reader
        .multi()
        .rpush(list, json)
        .expire(list, CONTROL_TTL_SECONDS)
        .publish(link.keys.controlChannel, turnId)
        .exec(),
      COMMAND_TIMEOUT_MS,
    );
    for (;;) {
      if (link.shutdown.aborted) throw shutDown();
      const answer = await bounded(
        reader.blpop(replies, WAIT_SECONDS),
        COMMAND_TIMEOUT_MS + WAIT_SECONDS * 1_000,
      );
      if (answer) return settled(answer[1]);
      if (!(await hasEnded(link, reader, turnId))) continue;
      const late = await bounded(reader.lpop(replies), COMMAND_TIMEOUT_MS);
      if (late !== null) return settled(late);
      await bounded(reader.lrem(list, 1, json), COMMAND_TIMEOUT_MS);
      return false;
    }
  } catch (error) {
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
  const reply = JSON.parse(json) as ControlReply;
  if (!reply.ok) throw rebuildError(reply.error);
  return true;
}

/** Whether the turn has ended: its end written, or its job failed, done or gone. */
async function hasEnded(link: ProducerLink, client: Redis, turnId: string): Promise<boolean> {
  if (await bounded(client.hexists(link.keys.record(turnId), "end"), COMMAND_TIMEOUT_MS))
    return true;
  const job = await bounded(link.queue.getJob(turnId), COMMAND_TIMEOUT_MS);
  if (!job)
    return (await bounded(client.exists(link.keys.enlisting(turnId)), COMMAND_TIMEOUT_MS)) === 0;
  const state = await bounded(job.getState(), COMMAND_TIMEOUT_MS);
  return state === "completed" || state === "failed" || state === "unknown";
}
