import {
  assign,
  enqueueActions,
  fromCallback,
  setup,
  spawnChild,
  stopChild,
  type ActorRefFrom,
} from "xstate";
import type { ThreadSettings } from "../supervision/turn-job.js";
import { isStopRequest, type Transport } from "../transports/attempt.js";
import {
  createThreadMachine,
  type ThreadActorRef,
  type ThreadToRootEvent,
} from "./thread.machine.js";
import { EscalatedError, ShutdownError, type CodexError } from "../types/errors.js";

/** The root's settings: concurrency bound and circuit breaker. */
export type CodexRootInput = {
  maxConcurrentTurns: number;
  /** The input of the transport's service actor (the app-server's), when it has one. */
  service?: unknown;
  escalation?: { maxFailures: number; withinMs: number };
};

/** Events the Codex root takes: from the facade and from its threads. */
export type CodexMachineEvent =
  | ThreadToRootEvent
  | { type: "codex.spawnThread"; key: string; settings: ThreadSettings; threadId: string | null }
  | { type: "codex.releaseThread"; key: string }
  | { type: "codex.reset" }
  | { type: "codex.shutdown"; timeoutMs: number }
  | { type: "codex.drained" };

/** The root's context: the concurrency slots and the failures that count toward escalation. */
export type CodexContext = CodexRootInput & {
  running: number;
  waiting: ThreadActorRef[];
  failureTimes: number[];
  shutdownTimeoutMs: number;
};

/**
 * The Codex root supervisor: owns every thread actor, hands out at most `maxConcurrentTurns`
 * slots in FIFO order, trips to `escalated` after too many failed turns (until `codex.reset`),
 * and on shutdown refuses new turns, gives running ones a grace period, then kills them.
 * Its threads run their attempts on `transport`.
 */
export const createCodexMachine = (transport: Transport) =>
  setup({
    types: {
      input: {} as CodexRootInput,
      context: {} as CodexContext,
      events: {} as CodexMachineEvent,
    },
    actors: { thread: createThreadMachine(transport), service: transport.service ?? noService },
    delays: { shutdownGrace: ({ context }) => context.shutdownTimeoutMs },
    actions: {
      spawnThread: spawnChild("thread", {
        id: ({ event }) => (event.type === "codex.spawnThread" ? event.key : "thread"),
        input: ({ event }) => {
          if (event.type !== "codex.spawnThread")
            throw new Error("spawnThread needs codex.spawnThread");
          return { settings: event.settings, threadId: event.threadId };
        },
      }),
      releaseThread: ({ self, event }) => {
        if (event.type !== "codex.releaseThread") return;
        (self.getSnapshot().children[event.key] as ThreadActorRef | undefined)?.send({
          type: "thread.release",
        });
      },
      grantOrQueue: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== "slot.request") return;
        if (context.running < context.maxConcurrentTurns) {
          enqueue.assign({ running: context.running + 1 });
          enqueue.sendTo(event.thread, { type: "slot.granted" });
        } else {
          enqueue.assign({ waiting: [...context.waiting, event.thread] });
        }
      }),
      releaseAndGrantNext: enqueueActions(({ context, enqueue }) => {
        const [next, ...rest] = context.waiting;
        if (next) {
          enqueue.assign({ waiting: rest });
          enqueue.sendTo(next, { type: "slot.granted" });
        } else {
          enqueue.assign({ running: Math.max(0, context.running - 1) });
        }
      }),
      releaseOnly: assign({ running: ({ context }) => Math.max(0, context.running - 1) }),
      cancelWaiting: assign({
        waiting: ({ context, event }) =>
          event.type === "slot.cancel"
            ? context.waiting.filter((t) => t !== event.thread)
            : context.waiting,
      }),
      denyWaiting: ({ context }, params: { error: CodexError }) => {
        for (const thread of context.waiting)
          thread.send({ type: "slot.denied", error: params.error });
      },
      clearWaiting: assign({ waiting: [] }),
      denyRequest: ({ event }, params: { error: CodexError }) => {
        if (event.type === "slot.request")
          event.thread.send({ type: "slot.denied", error: params.error });
      },
      recordFailure: assign({
        failureTimes: ({ context, event }) => {
          if (event.type !== "turn.failed" || isStopRequest(event.error) || !context.escalation)
            return context.failureTimes;
          const now = Date.now();
          return [...context.failureTimes, now].filter(
            (time) => now - time < context.escalation!.withinMs,
          );
        },
      }),
      // The transport's service (the app-server) ends once every thread has.
      stopService: enqueueActions(({ enqueue, self }) => {
        if (self.getSnapshot().children.service)
          enqueue.sendTo("service", { type: "service.stop" });
      }),
      broadcast: ({ self }, params: { type: "thread.shutdown" | "thread.kill" }) => {
        for (const child of Object.values(self.getSnapshot().children)) {
          (child as ThreadActorRef).send({ type: params.type });
        }
      },
    },
    guards: {
      overFailureLimit: ({ context }) =>
        context.escalation !== undefined &&
        context.failureTimes.length > context.escalation.maxFailures,
    },
  }).createMachine({
    id: "codex",
    context: ({ input }) => ({
      ...input,
      running: 0,
      waiting: [],
      failureTimes: [],
      shutdownTimeoutMs: 0,
    }),
    ...(transport.service
      ? {
          invoke: {
            id: "service",
            src: "service",
            input: ({ context }: { context: CodexContext }) => context.service,
          },
        }
      : {}),
    initial: "running",
    on: {
      "codex.spawnThread": { actions: "spawnThread" },
      "codex.releaseThread": { actions: "releaseThread" },
      "thread.released": { actions: stopChild(({ event }) => event.thread) },
      "slot.cancel": { actions: "cancelWaiting" },
      "slot.release": { actions: "releaseOnly" },
      "codex.shutdown": {
        target: ".shuttingDown",
        actions: assign({ shutdownTimeoutMs: ({ event }) => event.timeoutMs }),
      },
    },
    states: {
      running: {
        always: { guard: "overFailureLimit", target: "escalated" },
        on: {
          "slot.request": { actions: "grantOrQueue" },
          "slot.release": { actions: "releaseAndGrantNext" },
          "turn.failed": { actions: "recordFailure" },
        },
      },
      escalated: {
        entry: [
          { type: "denyWaiting", params: ({ context }) => ({ error: escalatedError(context) }) },
          "clearWaiting",
        ],
        on: {
          "slot.request": {
            actions: {
              type: "denyRequest",
              params: ({ context }) => ({ error: escalatedError(context) }),
            },
          },
          "codex.reset": { target: "running", actions: assign({ failureTimes: [] }) },
        },
      },
      shuttingDown: {
        entry: [
          { type: "denyWaiting", params: () => ({ error: new ShutdownError() }) },
          "clearWaiting",
          { type: "broadcast", params: { type: "thread.shutdown" } },
        ],
        after: {
          shutdownGrace: {
            target: "stopped",
            actions: { type: "broadcast", params: { type: "thread.kill" } },
          },
        },
        on: {
          "slot.request": {
            actions: { type: "denyRequest", params: () => ({ error: new ShutdownError() }) },
          },
          "codex.shutdown": {},
          "codex.drained": { target: "stopped" },
        },
      },
      stopped: {
        entry: "stopService",
        on: {
          "slot.request": {
            actions: { type: "denyRequest", params: () => ({ error: new ShutdownError() }) },
          },
          "codex.shutdown": {},
        },
      },
    },
  });

/** The Codex root actor. */
export type CodexActorRef = ActorRefFrom<ReturnType<typeof createCodexMachine>>;

function escalatedError(context: CodexContext): EscalatedError {
  const { maxFailures = 0, withinMs = 0 } = context.escalation ?? {};
  return new EscalatedError(maxFailures, withinMs);
}

/** Stands in for the service of a transport that has none (it is never invoked). */
const noService = fromCallback(() => undefined);
