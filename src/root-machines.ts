import { createCodexMachine } from "./machines/codex.machine.js";
import type { createThreadMachine } from "./machines/thread.machine.js";
import { createAppServerTransport } from "./transports/app-server/app-server-transport.js";
import { execTransport } from "./transports/exec/exec-transport.js";
import type { TransportName } from "./types/app-server.js";

/* The facade's choice of transport: the one place that names them. */

/** The root machine of a `Codex` on the exec transport: what `codex.actor` runs. */
export const codexMachine = createCodexMachine(execTransport);

/** The thread machine of the exec transport: what each `thread.actor` runs (the root's own). */
export const threadMachine = codexMachine.implementations.actors.thread as ReturnType<
  typeof createThreadMachine
>;

let appServerCodexMachine: typeof codexMachine | undefined;

/**
 * The root machine of a `Codex` on `transport`. The app-server's is built on first use: a
 * process that only runs exec turns never builds its four machines (~2 ms of its import).
 */
export function rootMachineOf(transport: TransportName): typeof codexMachine {
  if (transport === "exec") return codexMachine;
  return (appServerCodexMachine ??= createCodexMachine(createAppServerTransport()));
}
