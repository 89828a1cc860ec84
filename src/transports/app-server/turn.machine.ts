import { assign, sendParent, sendTo, setup } from "xstate";
import { TurnInterruptedError } from "../../types/app-server-errors.js";
import { IdleTimeoutError, TurnFailedError, type CodexError } from "../../types/errors.js";
import { isStopRequest, type AttemptAbortEvent, type AttemptOutcome } from "../transport.js";
import {
  turnSessionLogic,
  type TurnSessionEvent,
  type TurnSessionInput,
} from "./turn-session.actor.js";

/** The app-server turn machine's input: the session to run, and how long an interrupt may take. */
export type AppServerTurnInput = { session: TurnSessionInput; interruptGraceMs?: number };

/** The turn machine's context: what the attempt has learned so far. */
export type AppServerTurnContext = AppServerTurnInput & {
  /** The app-server's pid. */
  pid: number | null;
  threadId: string | null;
  sideEffect: string | null;
  pendingApprovals: number;
  /** Since when approvals have been waiting (ms since the epoch), while any are. */
  awaitingApprovalSince: number | null;
  /** Why the attempt is ending, once known. */
  error: CodexError | null;
};

const DEFAULT_INTERRUPT_GRACE_MS = 2_000;

/**
 * One attempt of a turn on the app-server: `connecting` (waiting for the server), `starting`
 * (thread and turn requested), `streaming ⇄ awaitingApproval`, then `completed`, `failed` or
 * `aborted`; `stopping` while an interrupt is in flight (bounded: the attempt ends anyway after
 * the grace). Transitions are the server's notifications, as its session reports them.
 */
export const createAppServerTurnMachine = () =>
  setup({
    types: {
      input: {} as AppServerTurnInput,
      context: {} as AppServerTurnContext,
      events: {} as TurnSessionEvent | AttemptAbortEvent,
      output: {} as AttemptOutcome,
    },
    actors: { session: turnSessionLogic },
    delays: {
      interruptGrace: ({ context }) => context.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS,
    },
    actions: {
      interrupt: sendTo("session", { type: "session.interrupt" }),
      recordAbort: assign({
        error: ({ context, event }) =>
          event.type === "attempt.abort" ? event.error : context.error,
      }),
      recordIdle: assign({
        error: ({ context, event }) =>
          event.type === "session.idle" ? new IdleTimeoutError(event.idleTimeoutMs) : context.error,
      }),
      recordEnd: assign({
        error: ({ context, event }) => {
          if (event.type === "session.failed") return context.error ?? event.error;
          if (event.type !== "session.ended" || context.error) return context.error;
          if (event.outcome === "failed")
            return new TurnFailedError(event.message || "The turn failed.");
          return event.outcome === "interrupted" ? new TurnInterruptedError() : null;
        },
      }),
    },
    guards: {
      approvalsPending: ({ event }) => event.type === "session.approval" && event.pending > 0,
      ok: ({ context }) => context.error === null,
      stopped: ({ context }) => isStopRequest(context.error),
    },
  }).createMachine({
    id: "appServerTurn",
    context: ({ input }) => ({
      ...input,
      pid: null,
      threadId: input.session.threadId,
      sideEffect: null,
      pendingApprovals: 0,
      awaitingApprovalSince: null,
      error: null,
    }),
    initial: "running",
    states: {
      running: {
        invoke: { id: "session", src: "session", input: ({ context }) => context.session },
        initial: "connecting",
        on: {
          "session.thread": { actions: assign({ threadId: ({ event }) => event.threadId }) },
          "session.steered": {
            actions: sendParent(({ event }) => ({
              type: "attempt.steered",
              characters: event.characters,
            })),
          },
          "session.usage": {
            actions: sendParent(({ event }) => ({
              type: "attempt.usage",
              attemptTokens: event.attemptTokens,
              threadTotal: event.threadTotal,
            })),
          },
          "session.sideEffect": {
            actions: assign({
              sideEffect: ({ context, event }) => context.sideEffect ?? event.itemType,
            }),
          },
          "session.ended": { target: "ending", actions: "recordEnd" },
          "session.failed": { target: "ending", actions: "recordEnd" },
        },
        states: {
          connecting: {
            on: {
              "session.connected": {
                target: "starting",
                actions: assign({ pid: ({ event }) => event.pid }),
              },
              "attempt.abort": { target: "#appServerTurn.ending", actions: "recordAbort" },
              // Silence counts from the attempt's start, as on exec: a server too slow to start too.
              "session.idle": { target: "#appServerTurn.ending", actions: "recordIdle" },
            },
          },
          starting: {
            on: {
              "session.started": "streaming",
              "attempt.abort": { target: "stopping", actions: "recordAbort" },
              "session.idle": { target: "stopping", actions: "recordIdle" },
            },
          },
          streaming: {
            on: {
              "session.approval": {
                guard: "approvalsPending",
                target: "awaitingApproval",
                actions: assign({
                  pendingApprovals: ({ event }) => event.pending,
                  awaitingApprovalSince: ({ event }) => event.at,
                }),
              },
              "attempt.abort": { target: "stopping", actions: "recordAbort" },
              "session.idle": { target: "stopping", actions: "recordIdle" },
            },
          },
          awaitingApproval: {
            on: {
              "session.approval": [
                {
                  guard: "approvalsPending",
                  actions: assign({ pendingApprovals: ({ event }) => event.pending }),
                },
                {
                  target: "streaming",
                  actions: assign({ pendingApprovals: 0, awaitingApprovalSince: null }),
                },
              ],
              "attempt.abort": { target: "stopping", actions: "recordAbort" },
            },
          },
          stopping: {
            entry: "interrupt",
            after: { interruptGrace: "#appServerTurn.ending" },
          },
        },
      },
      ending: {
        always: [
          { guard: "ok", target: "completed" },
          { guard: "stopped", target: "aborted" },
          { target: "failed" },
        ],
      },
      completed: { type: "final" },
      failed: { type: "final" },
      aborted: { type: "final" },
    },
    output: ({ context }) => ({
      status: context.error ? (isStopRequest(context.error) ? "aborted" : "failed") : "completed",
      threadId: context.threadId,
      pid: context.pid,
      sideEffect: context.sideEffect,
      ...(context.error ? { error: context.error } : {}),
    }),
  });
