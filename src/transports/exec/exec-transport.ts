import { createCodexMachine } from "../../machines/codex.machine.js";
import type { createThreadMachine } from "../../machines/thread.machine.js";
import { defineTransport } from "../attempt.js";
import { execInputOf } from "./exec-input.js";
import { execMachine } from "./exec.machine.js";

/** The default transport: each attempt is one `codex exec --experimental-json` process. */
export const execTransport = defineTransport<typeof execMachine>({
  name: "exec",
  attempt: execMachine,
  attemptInput: execInputOf,
});

/** The root machine of a `Codex` on the exec transport: what `codex.actor` runs. */
export const codexMachine = createCodexMachine(execTransport);

/** The thread machine of the exec transport: what each `thread.actor` runs (the root's own). */
export const threadMachine = codexMachine.implementations.actors.thread as ReturnType<
  typeof createThreadMachine
>;
