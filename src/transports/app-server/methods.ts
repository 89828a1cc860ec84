/**
 * The typed face of the generated protocol for what codex-actors calls: each client request's
 * params (taken from the generated `ClientRequest` union) and result, and the handshake.
 */
import type { ClientInfo, ClientRequest, InitializeResponse, v2 } from "./protocol/index.js";
import type { RpcConnection, RpcRequestOptions } from "./rpc-connection.js";

/** The result of each client request codex-actors makes. */
export type ResultOf = {
  initialize: InitializeResponse;
  "thread/start": v2.ThreadStartResponse;
  "thread/resume": v2.ThreadResumeResponse;
  "thread/fork": v2.ThreadForkResponse;
  "thread/list": v2.ThreadListResponse;
  "thread/read": v2.ThreadReadResponse;
  "thread/archive": v2.ThreadArchiveResponse;
  "thread/unarchive": v2.ThreadUnarchiveResponse;
  "thread/name/set": v2.ThreadSetNameResponse;
  "thread/delete": v2.ThreadDeleteResponse;
  "turn/start": v2.TurnStartResponse;
  "turn/steer": v2.TurnSteerResponse;
  "turn/interrupt": v2.TurnInterruptResponse;
  "model/list": v2.ModelListResponse;
  "account/read": v2.GetAccountResponse;
  "account/rateLimits/read": v2.GetAccountRateLimitsResponse;
  "mcpServerStatus/list": v2.ListMcpServerStatusResponse;
};

/** A client request codex-actors makes. */
export type ClientMethod = keyof ResultOf;

/** The params of a client request, as the binary's generated protocol types them. */
export type ParamsOf<M extends ClientMethod> = Extract<ClientRequest, { method: M }>["params"];

/** Sends one typed request over `connection`. */
export function call<M extends ClientMethod>(
  connection: RpcConnection,
  method: M,
  params: ParamsOf<M>,
  options?: RpcRequestOptions,
): Promise<ResultOf[M]> {
  return connection.request(method, params, options) as Promise<ResultOf[M]>;
}

/**
 * The handshake every connection starts with: `initialize` (stable API only), then the
 * `initialized` notification; the server refuses other requests until both are done.
 */
export async function initialize(
  connection: RpcConnection,
  clientInfo: ClientInfo,
  options?: RpcRequestOptions,
): Promise<InitializeResponse> {
  const capabilities = { experimentalApi: false, requestAttestation: false };
  const response = await call(connection, "initialize", { clientInfo, capabilities }, options);
  connection.notify("initialized");
  return response;
}
