/** A JSON-RPC request id, as the app-server sends and accepts them. */
export type RequestId = string | number;

/** The error member of an error response. */
export type RpcErrorBody = { code: number; message: string; data?: unknown };

/** One message from the app-server, classified (the wire omits the `jsonrpc` member). */
export type RpcMessage =
  | { kind: "response"; id: RequestId; result: unknown }
  | { kind: "error"; id: RequestId; error: RpcErrorBody }
  | { kind: "notification"; method: string; params: unknown }
  | { kind: "request"; id: RequestId; method: string; params: unknown };

/** Why a line is not a JSON-RPC message. */
export type InvalidLine = { kind: "invalid"; reason: string; cause?: unknown };

/** Classifies one line of the server's stdout, purely. */
export function parseRpcMessage(line: string): RpcMessage | InvalidLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    return { kind: "invalid", reason: "not JSON", cause };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "invalid", reason: "not a JSON object" };
  }
  const message = value as Record<string, unknown>;
  const { id, method } = message;
  const hasId = typeof id === "string" || typeof id === "number";
  if (typeof method === "string") {
    return hasId
      ? { kind: "request", id, method, params: message.params }
      : { kind: "notification", method, params: message.params };
  }
  if (hasId && isErrorBody(message.error)) return { kind: "error", id, error: message.error };
  if (hasId && "result" in message) return { kind: "response", id, result: message.result };
  return { kind: "invalid", reason: "neither a request, a response nor a notification" };
}

function isErrorBody(value: unknown): value is RpcErrorBody {
  const body = value as Partial<RpcErrorBody> | null | undefined;
  return typeof body?.code === "number" && typeof body.message === "string";
}
