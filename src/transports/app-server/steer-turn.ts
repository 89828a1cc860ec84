import { normalizeInput } from "../../cli/input.js";
import type { Input } from "../../types/options.js";
import { call } from "./methods.js";
import { rethrowSteerRefusal } from "./request-refusals.js";
import type { RpcConnection } from "./rpc-connection.js";
import { turnInputOf } from "./thread-params.js";

/**
 * Adds input to the running turn `turnId`; rejects with `TurnNotRunningError` when the server
 * says that turn no longer runs (it ended just before).
 */
export async function steerTurn(
  connection: RpcConnection,
  threadId: string,
  turnId: string,
  more: Input,
): Promise<void> {
  const { prompt, images } = normalizeInput(more);
  await call(connection, "turn/steer", {
    threadId,
    input: turnInputOf(prompt, images),
    expectedTurnId: turnId,
  }).catch(rethrowSteerRefusal);
}
