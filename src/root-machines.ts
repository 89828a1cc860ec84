import { createCodexMachine } from "./machines/codex.machine.js";
import type { createThreadMachine } from "./machines/thread.machine.js";
import { APP_SERVER_CAPABILITIES } from "./transports/app-server/app-server-capabilities.js";
import { createAppServerTransport } from "./transports/app-server/app-server-transport.js";
import { EXEC_CAPABILITIES } from "./transports/exec/exec-capabilities.js";
import { execTransport } from "./transports/exec/exec-transport.js";
import type { Transport, TransportCapabilities } from "./transports/transport.js";
import { UnsupportedError } from "./types/app-server-errors.js";
import type { TransportName } from "./types/app-server.js";

/* The facade's choice of transport and what it can do: the one place that names them. */

/** The root machine of a `Codex` on the exec transport: what `codex.actor` runs. */
export const codexMachine = createCodexMachine(execTransport);

/** The thread machine of the exec transport: what each `thread.actor` runs (the root's own). */
export const threadMachine = codexMachine.implementations.actors.thread as ReturnType<
  typeof createThreadMachine
>;

/** A transport and the root machine built on it. */
export type TransportChoice = { transport: Transport; machine: typeof codexMachine };

/** How each transport is built, by name. */
const TRANSPORTS: Record<TransportName, () => Transport> = {
  exec: () => execTransport,
  "app-server": createAppServerTransport,
};

const chosen: Partial<Record<TransportName, TransportChoice>> = {
  exec: { transport: execTransport, machine: codexMachine },
};

/**
 * The transport named `name` and its root machine. The app-server's are built on first use: a
 * process that only runs exec turns never builds its four machines (~2 ms of its import).
 */
export function transportOf(name: TransportName): TransportChoice {
  const built = chosen[name];
  if (built) return built;
  const transport = TRANSPORTS[name]();
  return (chosen[name] = { transport, machine: createCodexMachine(transport) });
}

/** What each transport can do, by name (read without building its machines). */
const CAPABILITIES: Record<TransportName, TransportCapabilities> = {
  exec: EXEC_CAPABILITIES,
  "app-server": APP_SERVER_CAPABILITIES,
};

/** The transports' names, as `CodexOptions.transport` takes them. */
export const TRANSPORT_NAMES = Object.keys(CAPABILITIES) as TransportName[];

/** What `transport` (by default exec) can do beyond running turns. */
export const capabilitiesOf = (transport: TransportName = "exec"): TransportCapabilities =>
  CAPABILITIES[transport];

/**
 * The `UnsupportedError` for `feature` when `transport` lacks `capability` (naming a transport
 * that has it), or `null` when it has it.
 */
export function unsupported(
  transport: TransportName | undefined,
  capability: keyof TransportCapabilities,
  feature: string,
): UnsupportedError | null {
  if (capabilitiesOf(transport)[capability]) return null;
  return refusal(capability, feature);
}

/** The `UnsupportedError` for `feature`, naming a transport that has `capability`. */
export function refusal(
  capability: keyof TransportCapabilities,
  feature: string,
): UnsupportedError {
  const able = TRANSPORT_NAMES.find((name) => CAPABILITIES[name][capability])!;
  return new UnsupportedError(feature, able);
}
