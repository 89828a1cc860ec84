import { assign, enqueueActions, fromPromise, sendTo, setup } from "xstate";
import {
  codexProcessLogic,
  type CodexProcessEvent,
  type CodexProcessInput,
} from "./codex-process.actor.js";
import { IdleTimeoutError, type CodexError } from "../../types/errors.js";
import {
  isStopRequest,
  type AttemptAbortEvent,
  type AttemptOutcome,
  type AttemptUsageEvent,
} from "../transport.js";
import { readRolloutTotal } from "../../process/rollout-file.js";
import type { ThreadEvent } from "../../types/events.js";
import { sideEffectIn } from "../lifecycle-filter.js";
import { exitFailure } from "./exec-outcome.js";

/** Every event the exec machine takes (`attempt.abort` kills the process group first). */
export type ExecMachineEvent = CodexProcessEvent | AttemptAbortEvent;

/**
 * Where the attempt's token count starts: the thread's running total before it, when known (0 for
 * a new thread), else the rollout to read it from (a thread resumed here).
 */
export type TokenBaseline = {
  known: number | null;
  rollout?: { codexHome: string; threadId: string };
};

/** The exec machine's input: the process to run, including where its events go. */
export type ExecInput = { process: CodexProcessInput; tokens: TokenBaseline };

/** How an attempt ended: the machine's output once it reaches a final state. */
export type ExecOutcome = AttemptOutcome;

/** The exec machine's context: what the attempt has learned so far. Small by design. */
export type ExecContext = ExecInput & {
  pid: number | null;
  threadId: string | null;
  /** Whether codex reported `turn.started`: an error exit before it is a refused configuration. */
  turnStarted: boolean;
  turnCompleted: boolean;
  turnFailure: string | null;
  sideEffect: string | null;
  /**
   * How many events the attempt has streamed, as of its latest lifecycle event (chunks without
   * one are counted into the next batch): every event once the process has exited.
   */
  eventCount: number;
  /** The process went quiet after `turn.completed` and was stopped: the turn is done, not idle. */
  quietAfterCompletion: boolean;
  /** Why the attempt is ending (abort, protocol error, idle, exit), once known. */
  error: CodexError | null;
  /** The thread's running token total before this attempt, once known. */
  tokenBaseline: number | null;
};

/**
 * One attempt's codex process as a state machine: `running.spawning → running.streaming`, then
 * one of the final states `completed`, `failed`, `aborted` (tagged `exited`) once the process has
 * exited; `running.stopping` holds while a kill is in flight. Each stdout chunk is one transition.
 */
export const execMachine = setup({
  types: {
    input: {} as ExecInput,
    context: {} as ExecContext,
    events: {} as ExecMachineEvent,
    output: {} as ExecOutcome,
    tags: {} as "exited",
  },
  actors: {
    codexProcess: codexProcessLogic,
    rolloutTotal: fromPromise<number | null, { codexHome: string; threadId: string }>(({ input }) =>
      readRolloutTotal(input.codexHome, input.threadId),
    ),
  },
  actions: {
    // codex exec reports usage once, at `turn.completed`: the thread's running total.
    reportUsage: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "codex.batch") return;
      const threadTotal = lastTotal(event.lifecycle);
      if (threadTotal === null) return;
      const usage: AttemptUsageEvent = {
        type: "attempt.usage",
        attemptTokens: threadTotal - (context.tokenBaseline ?? 0),
        threadTotal,
      };
      enqueue.sendParent(usage);
    }),
    // The total read is the thread's from now on: an attempt that fails before reporting its
    // usage leaves its tokens to the next one's report, not to a new read of the rollout.
    reportBaseline: enqueueActions(({ enqueue }, total: number | null) => {
      if (total === null) return;
      const usage: AttemptUsageEvent = {
        type: "attempt.usage",
        attemptTokens: 0,
        threadTotal: total,
      };
      enqueue.sendParent(usage);
    }),
    recordBatch: assign(({ context, event }) => {
      if (event.type !== "codex.batch") return {};
      let { threadId, turnStarted, turnCompleted, turnFailure, sideEffect } = context;
      for (const e of event.lifecycle) {
        if (e.type === "thread.started") threadId = e.thread_id;
        else if (e.type === "turn.started") turnStarted = true;
        else if (e.type === "turn.completed") turnStarted = turnCompleted = true;
        else if (e.type === "turn.failed") {
          turnStarted = true;
          turnFailure = e.error?.message || "The turn failed.";
        } else sideEffect ??= sideEffectIn(e);
      }
      return {
        threadId,
        turnStarted,
        turnCompleted,
        turnFailure,
        sideEffect,
        eventCount: context.eventCount + event.count,
        error: event.error ?? context.error,
      };
    }),
    recordAbort: assign({
      error: ({ context, event }) => (event.type === "attempt.abort" ? event.error : context.error),
    }),
    recordIdle: assign({
      error: ({ context, event }) =>
        event.type === "codex.idle" ? new IdleTimeoutError(event.idleTimeoutMs) : context.error,
    }),
    recordExitFailure: assign({ error: ({ context, event }) => exitFailure(context, event) }),
    killProcess: sendTo("process", { type: "codex.kill" }),
  },
  guards: {
    readsRollout: ({ context }) =>
      context.tokenBaseline === null && context.tokens.rollout !== undefined,
    batchHasError: ({ event }) => event.type === "codex.batch" && event.error !== undefined,
    aborted: ({ context }) => isStopRequest(context.error),
    endedEarly: ({ context }) => context.error !== null,
    turnCompleted: ({ context, event }) =>
      context.turnCompleted &&
      context.turnFailure === null &&
      event.type === "codex.exited" &&
      (event.exitCode === 0 || context.quietAfterCompletion),
    completedTurn: ({ context }) => context.turnCompleted && context.turnFailure === null,
  },
}).createMachine({
  id: "exec",
  context: ({ input }) => ({
    ...input,
    pid: null,
    threadId: null,
    turnStarted: false,
    turnCompleted: false,
    turnFailure: null,
    sideEffect: null,
    eventCount: 0,
    quietAfterCompletion: false,
    error: null,
    tokenBaseline: input.tokens.known,
  }),
  initial: "start",
  states: {
    start: {
      always: [{ guard: "readsRollout", target: "measuring" }, { target: "running" }],
    },
    // A resumed thread's running total, read before its process starts (it then grows).
    measuring: {
      invoke: {
        src: "rolloutTotal",
        input: ({ context }) => context.tokens.rollout!,
        onDone: {
          target: "running",
          actions: [
            assign({ tokenBaseline: ({ event }) => event.output }),
            { type: "reportBaseline", params: ({ event }) => event.output },
          ],
        },
        // Unreadable: the attempt is counted from zero, its usage the thread's whole total.
        onError: { target: "running" },
      },
      on: { "attempt.abort": { target: "aborted", actions: "recordAbort" } },
    },
    running: {
      invoke: { id: "process", src: "codexProcess", input: ({ context }) => context.process },
      initial: "spawning",
      on: {
        "codex.spawnFailed": [
          { guard: "aborted", target: "aborted" },
          { target: "failed", actions: assign({ error: ({ event }) => event.error }) },
        ],
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
            "attempt.abort": { target: "stopping", actions: "recordAbort" },
          },
        },
        streaming: {
          on: {
            "codex.batch": [
              {
                guard: "batchHasError",
                target: "stopping",
                actions: ["recordBatch", "reportUsage"],
              },
              { actions: ["recordBatch", "reportUsage"] },
            ],
            "codex.idle": [
              // Quiet after its turn completed: the work is done, so the attempt ends completed.
              {
                guard: "completedTurn",
                target: "stopping",
                actions: assign({ quietAfterCompletion: true }),
              },
              { target: "stopping", actions: "recordIdle" },
            ],
            "attempt.abort": { target: "stopping", actions: "recordAbort" },
          },
        },
        stopping: { entry: "killProcess" },
      },
    },
    completed: { type: "final", tags: "exited" },
    failed: { type: "final", tags: "exited" },
    aborted: { type: "final", tags: "exited" },
  },
  output: ({ context }) => ({
    status: context.error ? (isStopRequest(context.error) ? "aborted" : "failed") : "completed",
    threadId: context.threadId,
    pid: context.pid,
    sideEffect: context.sideEffect,
    ...(context.error ? { error: context.error } : {}),
  }),
});

/** The running total (input + output tokens) of the last `turn.completed` among `events`, if any. */
function lastTotal(events: readonly ThreadEvent[]): number | null {
  let total: number | null = null;
  for (const event of events)
    if (event.type === "turn.completed")
      total = event.usage.input_tokens + event.usage.output_tokens;
  return total;
}
