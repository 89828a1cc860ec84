import { NO_FAILURE_CLASSES } from "../../supervision/classify.js";
import { defineTransport, type TransportSession } from "../transport.js";
import { EXEC_CAPABILITIES } from "./exec-capabilities.js";
import { execInputOf } from "./exec-input.js";
import { execMachine } from "./exec.machine.js";

/**
 * Exec's session with a `Codex`: no service and nothing beyond the common thread settings; its
 * processes are its turns', settled with them.
 */
const EXEC_SESSION: TransportSession<undefined> = {
  threadSettings: () => undefined,
  whenNoProcess: () => Promise.resolve(),
};

/** The default transport: each attempt is one `codex exec --experimental-json` process. */
export const execTransport = defineTransport<typeof execMachine, undefined>({
  name: "exec",
  open: () => EXEC_SESSION,
  attempt: execMachine,
  attemptInput: execInputOf,
  failures: NO_FAILURE_CLASSES,
  capabilities: EXEC_CAPABILITIES,
});
