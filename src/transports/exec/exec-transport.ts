import { NO_FAILURE_CLASSES } from "../../supervision/classify.js";
import { defineTransport } from "../transport.js";
import { EXEC_CAPABILITIES } from "./exec-capabilities.js";
import { execInputOf } from "./exec-input.js";
import { execMachine } from "./exec.machine.js";

/** The default transport: each attempt is one `codex exec --experimental-json` process. */
export const execTransport = defineTransport<typeof execMachine>({
  name: "exec",
  attempt: execMachine,
  attemptInput: execInputOf,
  failures: NO_FAILURE_CLASSES,
  capabilities: EXEC_CAPABILITIES,
});
