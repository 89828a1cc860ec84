import type { ProtocolError } from "../../types/errors.js";
import { protocolError, type RpcNotification } from "./rpc-connection.js";

/**
 * A turn's listener of the server's messages: `read` handles one; a throw (a message whose shape
 * is not the protocol's, e.g. `turn/completed` without `turn.items`) goes to `fail` as the
 * `ProtocolError` of that message, so that nothing is thrown into the connection's stdout handler.
 */
export function guardedReader<M extends RpcNotification>(
  read: (message: M) => void,
  fail: (error: ProtocolError) => void,
): (message: M) => void {
  return (message) => {
    try {
      read(message);
    } catch (cause) {
      const { method, params, line = 0 } = message;
      const why = cause instanceof Error ? cause.message : String(cause);
      fail(protocolError(line, JSON.stringify({ method, params }), `${method}: ${why}`, cause));
    }
  };
}
