import { assign, emit, sendTo, setup } from "xstate";
import {
  codexProcessLogic,
  type CodexProcessEvent,
  type CodexProcessInput,
} from "../actors/codex-process.actor.js";
import {
  AbortError,
  CodexExitError,
  TurnFailedError,
  UntrustedDirectoryError,
  type CodexError,
} from "../types/errors.js";
import type { ThreadEvent } from "../types/events.js";

/** Asks a running turn to stop: its process group is killed, then the turn ends `aborted`. */
export type ExecAbortEvent = { type: "exec.abort"; error: AbortError };

/** Every event the exec machine takes. */
export type ExecMachineEvent = CodexProcessEvent | ExecAbortEvent;

/** Emitted once per stdout chunk with the events it held, for the turn's consumer. */
export type ExecEventsEmitted = { type: "exec.events"; events: ThreadEvent[] };

/** How a turn ended: the machine's output once it reaches a final state. */
export type ExecOutcome =
  | { status: "completed"; threadId: string | null }
  | { status: "failed" | "aborted"; threadId: string | null; error: CodexError };

/** The exec machine's context: what the turn has learned so far. Small by design. */
export type ExecContext = {
  process: CodexProcessInput;
  pid: number | null;
  threadId: string | null;
  turnCompleted: boolean;
  turnFailure: string | null;
  /** Why the turn is ending early (abort, protocol error), decided before the process exits. */
  error: CodexError | null;
};

const UNTRUSTED_DIRECTORY = "Not inside a trusted directory";

/**
 * One turn's process as a state machine: `running.spawning → running.streaming`, then one of the
 * final states `completed`, `failed`, `aborted` (all tagged `exited`) once the process has exited.
 * `running.stopping` holds while a kill is in flight. Each stdout chunk is one `codex.batch`.
 */
export const execMachine = setup({
  types: {
    input: {} as CodexProcessInput,
    context: {} as ExecContext,
    events: {} as ExecMachineEvent,
    emitted: {} as ExecEventsEmitted,
    output: {} as ExecOutcome,
    tags: {} as "exited",
  },
  actors: { codexProcess: codexProcessLogic },
  actions: {
    recordBatch: assign(({ context, event }) => {
      if (event.type !== "codex.batch") return {};
      let { threadId, turnCompleted, turnFailure } = context;
      for (const e of event.events) {
        if (e.type === "thread.started") threadId = e.thread_id;
        else if (e.type === "turn.completed") turnCompleted = true;
        else if (e.type === "turn.failed") turnFailure = e.error?.message || "The turn failed.";
      }
      return { threadId, turnCompleted, turnFailure, error: event.error ?? context.error };
    }),
    forwardEvents: emit(({ event }) => ({
      type: "exec.events" as const,
      events: event.type === "codex.batch" ? event.events : [],
    })),
    recordAbort: assign({
      error: ({ context, event }) => (event.type === "exec.abort" ? event.error : context.error),
    }),
    recordExitFailure: assign({ error: ({ context, event }) => exitFailure(context, event) }),
    killProcess: sendTo("process", { type: "codex.kill" }),
  },
  guards: {
    batchHasError: ({ event }) => event.type === "codex.batch" && event.error !== undefined,
    endedEarly: ({ context }) => context.error !== null,
    aborted: ({ context }) => context.error?.kind === "aborted",
    turnCompleted: ({ context, event }) =>
      context.turnCompleted &&
      context.turnFailure === null &&
      event.type === "codex.exited" &&
      event.exitCode === 0,
  },
}).createMachine({
  id: "exec",
  context: ({ input }) => ({
    process: input,
    pid: null,
    threadId: null,
    turnCompleted: false,
    turnFailure: null,
    error: null,
  }),
  initial: "running",
  states: {
    running: {
      invoke: { id: "process", src: "codexProcess", input: ({ context }) => context.process },
      initial: "spawning",
      on: {
        "codex.spawnFailed": {
          target: "failed",
          actions: assign({ error: ({ event }) => event.error }),
        },
        "codex.exited": [
          { guard: "aborted", target: "aborted" },
          { guard: "endedEarly", target: "failed" },
          { guard: "turnCompleted", target: "completed" },
          { target: "failed", actions: "recordExitFailure" },
        ],
      },
      states: {
        spawning: {
          on: {
            "codex.spawned": {
              target: "streaming",
              actions: assign({ pid: ({ event }) => event.pid }),
            },
            "exec.abort": { target: "stopping", actions: "recordAbort" },
          },
        },
        streaming: {
          on: {
            "codex.batch": [
              {
                guard: "batchHasError",
                target: "stopping",
                actions: ["recordBatch", "forwardEvents"],
              },
              { actions: ["recordBatch", "forwardEvents"] },
            ],
            "exec.abort": { target: "stopping", actions: "recordAbort" },
          },
        },
        stopping: { entry: "killProcess" },
      },
    },
    completed: { type: "final", tags: "exited" },
    failed: { type: "final", tags: "exited" },
    aborted: { type: "final", tags: "exited" },
  },
  output: ({ context }) =>
    context.error
      ? {
          status: context.error.kind === "aborted" ? "aborted" : "failed",
          threadId: context.threadId,
          error: context.error,
        }
      : { status: "completed", threadId: context.threadId },
});

/** The error of a process that exited without completing its turn. */
function exitFailure(context: ExecContext, event: ExecMachineEvent): CodexError | null {
  if (event.type !== "codex.exited") return context.error;
  if (context.turnFailure !== null) {
    return new TurnFailedError(context.turnFailure, event.exitCode, event.stderrTail);
  }
  if (event.exitCode !== 0 && event.stderrTail.includes(UNTRUSTED_DIRECTORY)) {
    return new UntrustedDirectoryError(event.exitCode, event.stderrTail);
  }
  return new CodexExitError(event.exitCode, event.signal, event.stderrTail);
}
