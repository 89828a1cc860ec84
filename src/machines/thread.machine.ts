import { assign, not, sendParent, sendTo, setup, type ActorRefFrom } from "xstate";
import { deadlineLogic } from "../actors/deadline.actor.js";
import { restartDeciderLogic, type DecisionMade } from "../actors/restart-decider.actor.js";
import type { ThreadSettings } from "../supervision/turn-job.js";
import type { AttemptOutcome, Transport } from "../transports/transport.js";
import {
  publishAttemptEnd,
  publishAttemptStart,
  publishTurnRestart,
  publishTurnSteer,
  type AttemptSource,
} from "../telemetry/attempt-telemetry.js";
import type { CodexError, ShutdownError } from "../types/errors.js";
import { containFaults } from "../supervision/contain-faults.js";
import { InternalError } from "../types/errors.js";
import { NOTHING_SPENT, spend } from "../supervision/budget.js";
import {
  afterDecision,
  afterDecisionFault,
  standingDecision,
  afterFailedAttempt,
  afterUsage,
  explainNoRestart,
  lastOutcomeOf,
  type TurnEnd,
  refusalByBudget,
  restartRefusal,
  stopByBudget,
  tokensAdded,
  failureToDecide,
  refuse,
  settle,
  shutdownError,
  stopErrorOf,
  type ThreadContext,
} from "./thread-turn.js";
import type { ThreadMachineEvent } from "./thread-events.js";

/** Events a thread sends to the Codex root. */
export type ThreadToRootEvent =
  | { type: "slot.request"; thread: ThreadActorRef; newTurn: boolean }
  | { type: "thread.spent"; threadKey: string; tokens: number }
  | { type: "slot.cancel"; thread: ThreadActorRef }
  /** The slot given back; `unusedTurn`: its grant counted a turn that never ran with it. */
  | { type: "slot.release"; thread: ThreadActorRef; unusedTurn?: boolean }
  | { type: "thread.turnFailed"; threadKey: string; error: CodexError }
  | { type: "thread.released"; thread: ThreadActorRef };

/**
 * A thread as a supervisor: a mailbox that runs its turns one at a time in call order, each
 * attempt an actor of `transport` (invoked as `attempt`), restarted under the thread's policy.
 * States: `idle`, then per turn `busy.acquiring` (a concurrency slot from the root),
 * `busy.attempting`, `busy.backingOff`; `released` (final) once its `Thread` is collected and
 * nothing is left to run. Which transport runs is all it knows of it.
 */
export const createThreadMachine = (transport: Transport) => {
  // Where a budget stops a running turn: live usage interrupts it, else its end's report does.
  const budgetStop = transport.capabilities.liveUsage ? "interrupted" : "usage-report";
  return setup({
    types: {
      input: {} as {
        settings: ThreadSettings;
        threadId: string | null;
        /** What a thread actor that replaces a failed one keeps of it. */
        kept?: Pick<ThreadContext, "spent" | "tokenTotal" | "name">;
      },
      context: {} as ThreadContext,
      events: {} as ThreadMachineEvent,
    },
    actors: {
      attempt: containFaults(transport.attempt),
      deadline: deadlineLogic,
      decide: restartDeciderLogic,
    },
    delays: {
      backoff: ({ context }) => (context.decision?.restart ? context.decision.delayMs : 0),
    },
    actions: {
      enqueue: assign({
        queue: ({ context, event }) =>
          event.type === "thread.enqueue" ? [...context.queue, event.job] : context.queue,
      }),
      takeNext: assign(({ context }) => ({
        current: context.queue[0] ?? null,
        queue: context.queue.slice(1),
        attempt: 0,
        turnTokens: 0,
        attemptTokens: 0,
        failures: [],
        sideEffect: null,
        restartTimes: [],
        decision: null,
        finalError: null,
        stopError: null,
      })),
      refuseByBudget: ({ context }) => refuse(context.queue[0]!, refusalByBudget(context)!),
      dropNext: assign({ queue: ({ context }) => context.queue.slice(1) }),
      refuseRestart: assign({
        stopError: ({ context }) => context.stopError ?? restartRefusal(context),
      }),
      refuseCancelled: ({ context, event }) => {
        if (event.type !== "thread.cancel") return;
        const job = context.queue.find((queued) => queued.id === event.jobId);
        if (job) refuse(job, event.error);
      },
      dropCancelled: assign({
        queue: ({ context, event }) =>
          event.type === "thread.cancel"
            ? context.queue.filter((queued) => queued.id !== event.jobId)
            : context.queue,
      }),
      refuseQueued: ({ context }) => {
        for (const job of context.queue) refuse(job, shutdownError());
      },
      dropQueued: assign({ queue: [], shuttingDown: true }),
      requestSlot: sendParent(({ context, self }) => ({
        type: "slot.request",
        thread: self,
        newTurn: context.attempt === 0,
      })),
      cancelSlot: sendParent(({ self }) => ({ type: "slot.cancel", thread: self })),
      releaseSlot: sendParent(({ self }) => ({ type: "slot.release", thread: self })),
      // A grant that crossed a cancel: the slot goes straight back, and the turn it counted.
      returnSlot: sendParent(({ self, event }) => ({
        type: "slot.release",
        thread: self,
        unusedTurn: event.type === "slot.granted" && event.counted,
      })),
      releaseTurn: assign({
        current: null,
        failures: [],
        sideEffect: null,
        decision: null,
        finalError: null,
        stopError: null,
      }),
      startAttempt: assign({
        attempt: ({ context }) => context.attempt + 1,
        attemptTokens: 0,
        spent: ({ context }) => spend(context.spent, 0, context.attempt === 0 ? 1 : 0),
        traceCarrier: () => ({}),
      }),
      recordUsage: assign(({ context, event }) =>
        event.type === "attempt.usage" ? afterUsage(context, event) : {},
      ),
      reportTokens: sendParent(({ context, event, self }) => ({
        type: "thread.spent",
        threadKey: self.id,
        tokens: event.type === "attempt.usage" ? tokensAdded(context, event) : 0,
      })),
      stopForBudget: assign({
        stopError: ({ context, event }) =>
          event.type === "attempt.usage"
            ? (stopByBudget(context, event, budgetStop) ?? context.stopError)
            : context.stopError,
      }),
      publishSteer: ({ context, event, self }) => {
        if (event.type === "attempt.steered")
          publishTurnSteer(attemptSource(transport.name, context, self.id), event.characters);
      },
      publishAttemptStart: ({ context, self }) =>
        publishAttemptStart(attemptSource(transport.name, context, self.id), context.traceCarrier),
      publishAttemptEnd: ({ context, self }, output: AttemptOutcome) =>
        publishAttemptEnd(
          attemptSource(transport.name, context, self.id),
          output,
          context.attemptTokens,
        ),
      // The deadline counts from the first attempt; later starts are ignored by the timer.
      startDeadline: sendTo("deadline", { type: "deadline.start" }),
      recordStop: assign({
        stopError: ({ context, event }) => stopErrorOf(event) ?? context.stopError,
      }),
      abortAttempt: sendTo("attempt", ({ context }) => ({
        type: "attempt.abort",
        error: context.stopError as ShutdownError,
      })),
      settleCompleted: ({ context }) => settle(context, null),
      settleFailed: ({ context }) => settle(context, context.finalError),
      settleStopped: ({ context }) => settle(context, context.stopError),
      recordDecision: assign(({ context }, made: DecisionMade) => afterDecision(context, made)),
      explainNoRestart: ({ context }) => explainNoRestart(context),
      reportFailure: sendParent(({ context, self }) => ({
        type: "thread.turnFailed",
        threadKey: self.id,
        error: context.finalError!,
      })),
      recordOutcome: assign(({ context }, end: TurnEnd) => ({
        lastOutcome: lastOutcomeOf(context, end),
      })),
      announceRestart: ({ context, self }) => {
        const error = context.failures[context.failures.length - 1]!;
        const delayMs = context.decision?.restart ? context.decision.delayMs : 0;
        const next = {
          ...attemptSource(transport.name, context, self.id),
          attempt: context.attempt + 1,
        };
        publishTurnRestart(next, delayMs, error);
        context.current?.sink.deliver([
          {
            type: "turn.restarted",
            attempt: next.attempt,
            delayMs,
            error: { message: error.message, kind: error.kind },
          },
        ]);
      },
    },
    guards: {
      hasQueued: ({ context }) => context.queue.length > 0,
      released: ({ context }) => context.released,
      isCurrent: ({ context, event }) =>
        event.type === "thread.cancel" && event.jobId === context.current?.id,
      completed: (_, output: AttemptOutcome) => output.status === "completed",
      stoppedByBudget: ({ context }, output: AttemptOutcome) =>
        output.status === "completed" && context.stopError?.kind === "budget_exceeded",
      nextRefusedByBudget: ({ context }) => refusalByBudget(context) !== null,
      restartOverBudget: ({ context }) => restartRefusal(context) !== null,
      crossesBudget: ({ context, event }) =>
        event.type === "attempt.usage" && stopByBudget(context, event, budgetStop) !== null,
      stopping: ({ context }) => context.stopError !== null,
      restarts: ({ context }, made: DecisionMade) =>
        standingDecision(context, made.decision).restart,
    },
  }).createMachine({
    id: "thread",
    context: ({ input }) => ({
      settings: input.settings,
      threadId: input.threadId,
      queue: [],
      current: null,
      attempt: 0,
      failures: [],
      sideEffect: null,
      restartTimes: [],
      restarts: 0,
      decision: null,
      finalError: null,
      stopError: null,
      shuttingDown: false,
      released: false,
      traceCarrier: {},
      spent: input.kept?.spent ?? NOTHING_SPENT,
      turnTokens: 0,
      attemptTokens: 0,
      tokenTotal: input.kept ? input.kept.tokenTotal : input.threadId === null ? 0 : null,
      name: input.kept?.name ?? null,
      lastOutcome: null,
    }),
    initial: "idle",
    on: {
      "thread.enqueue": [
        {
          guard: ({ context }) => context.shuttingDown,
          actions: ({ event }) => refuse(event.job, shutdownError()),
        },
        { actions: "enqueue" },
      ],
      "thread.cancel": { actions: ["refuseCancelled", "dropCancelled"] },
      "thread.shutdown": { actions: ["refuseQueued", "dropQueued"] },
      "thread.release": { actions: assign({ released: true }) },
      "thread.named": { actions: assign({ name: ({ event }) => event.name }) },
      // A grant that crossed a cancel on the way: hand the slot straight back.
      "slot.granted": { actions: "returnSlot" },
    },
    states: {
      idle: {
        // The settled turn's job (prompt, sink, failures) is not kept past its end.
        entry: "releaseTurn",
        always: [
          // A turn the thread's budget leaves no room for is refused before anything of it runs.
          {
            guard: "nextRefusedByBudget",
            actions: [
              {
                type: "recordOutcome",
                params: ({ context }) => ({ error: refusalByBudget(context), attempts: 0 }),
              },
              "refuseByBudget",
              "dropNext",
            ],
          },
          { guard: "hasQueued", target: "busy", actions: "takeNext" },
          { guard: "released", target: "released" },
        ],
      },
      // Its `Thread` was collected and its mailbox is empty: the root stops it.
      released: {
        type: "final",
        entry: sendParent(({ self }) => ({ type: "thread.released", thread: self })),
      },
      busy: {
        invoke: {
          id: "deadline",
          src: "deadline",
          input: ({ context }) => ({ timeoutMs: context.current?.options.timeoutMs }),
          // Without its timer the turn could outlive its deadline: it ends now, typed.
          onError: {
            target: ".stopping",
            actions: [
              assign({
                stopError: ({ event }) =>
                  new InternalError("the turn's deadline timer", event.error),
              }),
              "cancelSlot",
            ],
          },
        },
        initial: "acquiring",
        on: {
          "thread.cancel": [
            { guard: "isCurrent", target: ".stopping", actions: ["recordStop", "cancelSlot"] },
            { actions: ["refuseCancelled", "dropCancelled"] },
          ],
          "turn.deadline": { target: ".stopping", actions: ["recordStop", "cancelSlot"] },
        },
        states: {
          acquiring: {
            entry: "requestSlot",
            on: {
              "slot.granted": { target: "attempting" },
              "slot.denied": {
                target: "#thread.idle",
                actions: [
                  {
                    type: "recordOutcome",
                    params: ({ context, event }) => ({
                      error: event.error,
                      attempts: context.attempt,
                    }),
                  },
                  ({ context, event }) => settle(context, event.error),
                ],
              },
              "thread.shutdown": {
                target: "#thread.idle",
                actions: [
                  "refuseQueued",
                  "dropQueued",
                  "cancelSlot",
                  { type: "recordOutcome", params: shutDown },
                  ({ context }) => settle(context, shutdownError()),
                ],
              },
            },
          },
          // The slot is held until the attempt's outcome is settled: a failure reaches the root's
          // breaker before the slot can go to a queued turn (so only onDone and deciding release it).
          attempting: {
            entry: ["startAttempt", "publishAttemptStart", "startDeadline"],
            invoke: {
              id: "attempt",
              src: "attempt",
              input: ({ context }: { context: ThreadContext }) =>
                transport.attemptInput(
                  context.settings,
                  context.current!,
                  context.threadId,
                  context.traceCarrier,
                  context.tokenTotal,
                ),
              onDone: [
                // Completed, but its usage report crossed a budget (exec reports it at the end).
                {
                  guard: { type: "stoppedByBudget", params: ({ event }) => event.output },
                  target: "#thread.idle",
                  actions: [
                    { type: "publishAttemptEnd", params: ({ event }) => event.output },
                    { type: "recordOutcome", params: stopped },
                    "settleStopped",
                    "releaseSlot",
                  ],
                },
                {
                  guard: {
                    type: "completed",
                    params: ({ event }) => event.output,
                  },
                  target: "#thread.idle",
                  actions: [
                    {
                      type: "publishAttemptEnd",
                      params: ({ event }) => event.output,
                    },
                    assign({
                      threadId: ({ context, event }) => event.output.threadId ?? context.threadId,
                    }),
                    { type: "recordOutcome", params: completed },
                    "settleCompleted",
                    "releaseSlot",
                  ],
                },
                {
                  target: "deciding",
                  actions: [
                    {
                      type: "publishAttemptEnd",
                      params: ({ event }) => event.output,
                    },
                    assign(({ context, event }) => afterFailedAttempt(context, event.output)),
                  ],
                },
              ],
              // The attempt actor itself failed (its children, the processes, were stopped).
              onError: {
                target: "deciding",
                actions: assign(({ context, event }) =>
                  afterFailedAttempt(context, {
                    status: "failed",
                    threadId: null,
                    pid: null,
                    sideEffect: context.sideEffect,
                    error: new InternalError("the attempt actor", event.error),
                  }),
                ),
              },
            },
            on: {
              "thread.cancel": { guard: "isCurrent", actions: ["recordStop", "abortAttempt"] },
              "turn.deadline": { actions: ["recordStop", "abortAttempt"] },
              "thread.kill": { actions: ["recordStop", "abortAttempt"] },
              "thread.overBudget": {
                guard: not("stopping"),
                actions: ["recordStop", "abortAttempt"],
              },
              "attempt.steered": { actions: "publishSteer" },
              "attempt.usage": [
                {
                  guard: "crossesBudget",
                  actions: ["reportTokens", "stopForBudget", "recordUsage", "abortAttempt"],
                },
                { actions: ["reportTokens", "recordUsage"] },
              ],
            },
          },
          // The decision runs as an actor (see decideLogic); a stop asked meanwhile overrules it.
          deciding: {
            invoke: {
              id: "decide",
              src: "decide",
              input: ({ context }) => failureToDecide(context, transport.failures),
              onDone: [
                {
                  guard: { type: "restarts", params: ({ event }) => event.output as DecisionMade },
                  target: "backingOff",
                  actions: [
                    { type: "recordDecision", params: ({ event }) => event.output as DecisionMade },
                    "releaseSlot",
                    "announceRestart",
                  ],
                },
                {
                  target: "#thread.idle",
                  actions: [
                    { type: "recordDecision", params: ({ event }) => event.output as DecisionMade },
                    "explainNoRestart",
                    "reportFailure",
                    "releaseSlot",
                    { type: "recordOutcome", params: failed },
                    "settleFailed",
                  ],
                },
              ],
              onError: {
                target: "#thread.idle",
                actions: [
                  assign(({ context, event }) => afterDecisionFault(context, event.error)),
                  "reportFailure",
                  "releaseSlot",
                  { type: "recordOutcome", params: failed },
                  "settleFailed",
                ],
              },
            },
            on: {
              "thread.cancel": { guard: "isCurrent", actions: "recordStop" },
              "turn.deadline": { actions: "recordStop" },
              "thread.kill": { actions: "recordStop" },
              "thread.overBudget": { guard: not("stopping"), actions: "recordStop" },
            },
          },
          backingOff: {
            after: {
              // A restart the turn's or thread's tokens leave no room for is not made.
              backoff: [
                { guard: "restartOverBudget", target: "stopping", actions: "refuseRestart" },
                { target: "acquiring" },
              ],
            },
            on: {
              "thread.shutdown": {
                target: "#thread.idle",
                actions: [
                  "refuseQueued",
                  "dropQueued",
                  { type: "recordOutcome", params: shutDown },
                  ({ context }) => settle(context, shutdownError()),
                ],
              },
            },
          },
          stopping: {
            always: {
              target: "#thread.idle",
              actions: [{ type: "recordOutcome", params: stopped }, "settleStopped"],
            },
          },
        },
      },
    },
  });
};

/* How the turn in hand ended, for `recordOutcome`: completed, failed, or stopped on request. */
const completed = ({ context }: { context: ThreadContext }): TurnEnd => ({
  error: null,
  attempts: context.attempt,
});
const failed = ({ context }: { context: ThreadContext }): TurnEnd => ({
  error: context.finalError,
  attempts: context.attempt,
});
const stopped = ({ context }: { context: ThreadContext }): TurnEnd => ({
  error: context.stopError,
  attempts: context.attempt,
});
const shutDown = ({ context }: { context: ThreadContext }): TurnEnd => ({
  error: shutdownError(),
  attempts: context.attempt,
});

/** Where the attempt in hand's telemetry comes from. */
function attemptSource(
  transport: Transport["name"],
  context: ThreadContext,
  threadKey: string,
): AttemptSource {
  return {
    threadKey,
    threadId: context.threadId,
    turnId: context.current?.id ?? 0,
    transport,
    attempt: context.attempt,
  };
}

/** A thread actor. */
export type ThreadActorRef = ActorRefFrom<ReturnType<typeof createThreadMachine>>;
