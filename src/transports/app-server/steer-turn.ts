import { normalizeInput } from "../input.js";
import { TurnNotRunningError } from "../../types/app-server-errors.js";
import type { Input } from "../../types/options.js";
import { call } from "./methods.js";
import { rethrowSteerRefusal } from "./request-refusals.js";
import type { RpcConnection } from "./rpc-connection.js";
import { turnInputOf } from "./thread-params.js";

/**
 * Adds input to the running turn `turnId`; rejects with `TurnNotRunningError` when the server
 * says that turn no longer runs (it ended just before), or when `turnOver` aborts first (the
 * turn ended while the server had not answered: the steer will never be answered).
 */
export async function steerTurn(
  connection: RpcConnection,
  threadId: string,
  turnId: string,
  more: Input,
  turnOver: AbortSignal,
): Promise<void> {
  const { prompt, images } = normalizeInput(more);
  const answered = call(connection, "turn/steer", {
    threadId,
    input: turnInputOf(prompt, images),
    expectedTurnId: turnId,
  }).catch(rethrowSteerRefusal);
  await untilTurnOver(answered, turnOver);
}

/** `answer`, or a `TurnNotRunningError` as soon as `turnOver` aborts, whichever comes first. */
function untilTurnOver<T>(answer: Promise<T>, turnOver: AbortSignal): Promise<T> {
  const ended = () => new TurnNotRunningError("ended before the server answered the steer");
  if (turnOver.aborted) return Promise.reject(ended());
  let stopListening = () => undefined as void;
  const over = new Promise<never>((_, reject) => {
    const onAbort = () => reject(ended());
    turnOver.addEventListener("abort", onAbort, { once: true });
    stopListening = () => turnOver.removeEventListener("abort", onAbort);
  });
  return Promise.race([answer, over]).finally(stopListening);
}
