import { AppServerRequestError } from "../../types/app-server-errors.js";
import type { ClientInfo } from "./protocol/ClientInfo.js";
import type { RpcConnection } from "./rpc-connection.js";

/**
 * Whether the server still answers: a second `initialize`, which codex refuses at once
 * ("Already initialized") without touching any state; any answer, even that refusal, counts.
 * Resolves false when none came within `boundMs` or the connection closed, and at once (false)
 * when `signal` aborts (the server is being stopped), so no timer outlives it.
 */
export function answersWithin(
  connection: RpcConnection,
  clientInfo: ClientInfo,
  boundMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const capabilities = { experimentalApi: false, requestAttestation: false };
  return new Promise((resolve) => {
    const settle = (answered: boolean) => {
      clearTimeout(bound);
      signal.removeEventListener("abort", onAbort);
      resolve(answered);
    };
    const onAbort = () => settle(false);
    const bound = setTimeout(() => settle(false), boundMs);
    signal.addEventListener("abort", onAbort, { once: true });
    connection.request("initialize", { clientInfo, capabilities }, { signal }).then(
      () => settle(true),
      (error) => settle(error instanceof AppServerRequestError),
    );
  });
}
