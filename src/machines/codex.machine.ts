import {
  assign,
  enqueueActions,
  fromCallback,
  setup,
  spawnChild,
  stopChild,
  type ActorRefFrom,
} from "xstate";
import type { Clock } from "../supervision/clock.js";
import { containFaults } from "../supervision/contain-faults.js";
import type { ThreadSettings } from "../supervision/turn-job.js";
import { isStopRequest, type Transport } from "../transports/transport.js";
import {
  createThreadMachine,
  type ThreadActorRef,
  type ThreadToRootEvent,
} from "./thread.machine.js";
import { EscalatedError, InternalError, ShutdownError, type CodexError } from "../types/errors.js";
import { refuse, settle, type ThreadContext } from "./thread-turn.js";
import type { CodexTools } from "../tools/codex-tools.js";
import { toolServerMachine } from "./tool-server.machine.js";
import { SERVICE_IDS, threadsOf } from "./root-children.js";
import {
  breachBeforeStart,
  breachWhileRunning,
  budgetError,
  NOTHING_SPENT,
  spend,
  type BudgetLedger,
} from "../supervision/budget.js";
import type { Budget, Spent } from "../types/options.js";

/** The root's settings: concurrency bound and circuit breaker. */
export type CodexRootInput = {
  maxConcurrentTurns: number;
  /** The time failures are counted by (escalation's period). */
  clock: Clock;
  /** The input of the transport's service actor (the app-server's), when it has one. */
  service?: unknown;
  /** The Codex's tools: a tool server actor runs beside the threads when given. */
  tools?: CodexTools;
  escalation?: { maxFailures: number; withinMs: number };
  /** What all threads may spend together. */
  budget?: Budget;
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
  /** Slots handed out: as many as `holders`. */
  running: number;
  /** The ids of the threads that hold a slot. */
  holders: string[];
  waiting: ThreadActorRef[];
  failureTimes: number[];
  shutdownTimeoutMs: number;
  /** What all threads' turns have spent: tokens as reported, turns as granted a first slot. */
  spent: Spent;
  /** The latest failed turns (oldest first, at most `RECENT_FAILURES_KEPT`). */
  recentFailures: RecentFailure[];
};

/** A turn that failed (not one stopped on request): which thread, when, and why. */
export type RecentFailure = { threadKey: string; at: number; kind: string; message: string };

/** How many failed turns the root remembers, for a page opened after the fact. */
export const RECENT_FAILURES_KEPT = 100;

/**
 * The Codex root supervisor: owns every thread actor, hands out at most `maxConcurrentTurns`
 * slots in FIFO order, trips to `escalated` after too many failed turns (until `codex.reset`),
 * and on shutdown refuses new turns, gives running ones a grace period, then kills them.
 * Its threads run their attempts on `transport`.
 */
export const createCodexMachine = (transport: Transport) => {
  // How the turn whose usage report crossed the Codex's budget is stopped.
  const reporterStop = transport.capabilities.liveUsage ? "interrupted" : "usage-report";
  return setup({
    types: {
      input: {} as CodexRootInput,
      context: {} as CodexContext,
      events: {} as CodexMachineEvent,
    },
    actors: {
      thread: containFaults(createThreadMachine(transport)),
      service: containFaults(transport.service ?? noService),
      tools: containFaults(toolServerMachine),
    },
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
      // A turn the Codex's budget leaves no room for is refused; others get a slot or wait.
      grantOrQueue: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== "slot.request") return;
        const refused = refusalOf(context, event.newTurn);
        if (refused) {
          enqueue.sendTo(event.thread, { type: "slot.denied", error: refused });
        } else if (context.running < context.maxConcurrentTurns) {
          enqueue.assign({
            ...holding([...context.holders, event.thread.id]),
            spent: spend(context.spent, 0, event.newTurn ? 1 : 0),
          });
          enqueue.sendTo(event.thread, { type: "slot.granted", counted: event.newTurn });
        } else {
          enqueue.assign({ waiting: [...context.waiting, event.thread] });
        }
      }),
      releaseAndGrantNext: enqueueActions(({ context, event, enqueue }) => {
        const holder = heldBy(context, event);
        if (holder === null) return;
        // A slot given back unused takes back the turn its grant counted.
        const unused = event.type === "slot.release" && event.unusedTurn === true;
        const before = unused ? { ...context, spent: spend(context.spent, 0, -1) } : context;
        const { update, answers } = handOver(before, holder, context.waiting);
        enqueue.assign({ spent: before.spent, ...update });
        for (const [thread, answer] of answers) enqueue.sendTo(thread, answer);
      }),
      recordRecentFailure: assign({
        recentFailures: ({ context, event }) =>
          event.type === "thread.turnFailed" && !isStopRequest(event.error)
            ? [
                ...context.recentFailures,
                {
                  threadKey: event.threadKey,
                  at: context.clock.now(),
                  kind: event.error.kind,
                  message: event.error.message,
                },
              ].slice(-RECENT_FAILURES_KEPT)
            : context.recentFailures,
      }),
      recordSpent: assign({
        spent: ({ context, event }) =>
          event.type === "thread.spent" ? spend(context.spent, event.tokens) : context.spent,
      }),
      // The Codex's tokens are spent: every running turn is stopped — the one whose usage report
      // crossed it at that report, the others interrupted.
      stopOverBudget: ({ context, event, self }) => {
        const breach = breachWhileRunning([codexLedger(context)]);
        if (!breach || event.type !== "thread.spent") return;
        for (const thread of threadsOf(self.getSnapshot().children)) {
          const error = budgetError(
            breach,
            thread.id === event.threadKey ? reporterStop : "interrupted",
          );
          thread.send({ type: "thread.overBudget", error });
        }
      },
      releaseOnly: assign(({ context, event }) => {
        const holder = heldBy(context, event);
        const unused = holder !== null && event.type === "slot.release" && event.unusedTurn;
        return {
          ...holding(context.holders.filter((id) => id !== holder)),
          spent: unused ? spend(context.spent, 0, -1) : context.spent,
        };
      }),
      cancelWaiting: assign({
        waiting: ({ context, event }) =>
          event.type === "slot.cancel"
            ? context.waiting.filter((t) => t !== event.thread)
            : context.waiting,
      }),
      // A thread actor that failed: its turns fail with the fault, its slot goes to the next
      // waiting thread, and a new actor takes its place with its settings and thread id.
      settleCrashedThread: ({ event, self }) => {
        const crashed = crashedThread(self.getSnapshot().children, event);
        if (!crashed) return;
        const fault = new InternalError("the thread actor", (event as { error?: unknown }).error);
        const { context } = crashed.getSnapshot() as { context?: ThreadContext };
        if (!context) return;
        settle(context, fault);
        for (const job of context.queue) refuse(job, fault);
      },
      freeCrashedThread: enqueueActions(({ context, event, enqueue, self }) => {
        const crashed = crashedThread(self.getSnapshot().children, event);
        if (!crashed) return;
        const { id } = crashed;
        const waiting = context.waiting.filter((thread) => thread !== crashed);
        const { update, answers } = handOver(context, id, waiting);
        enqueue.assign(update);
        for (const [thread, answer] of answers) enqueue.sendTo(thread, answer);
        const { context: last } = crashed.getSnapshot() as { context?: ThreadContext };
        enqueue.stopChild(id);
        if (last && !last.released)
          enqueue.spawnChild("thread", {
            id,
            input: {
              settings: last.settings,
              threadId: last.threadId,
              kept: { spent: last.spent, tokenTotal: last.tokenTotal, name: last.name },
            },
          });
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
          if (
            event.type !== "thread.turnFailed" ||
            isStopRequest(event.error) ||
            !context.escalation
          )
            return context.failureTimes;
          const now = context.clock.now();
          return [...context.failureTimes, now].filter(
            (time) => now - time < context.escalation!.withinMs,
          );
        },
      }),
      startService: spawnChild("service", {
        id: "service",
        input: ({ context }) => context.service,
      }),
      startTools: enqueueActions(({ context, enqueue }) => {
        if (context.tools)
          enqueue.spawnChild("tools", { id: "tools", input: { tools: context.tools } });
      }),
      // A service failed (the transport's: its process was stopped; the tool server's: a fault
      // of its actor): a new one takes its place.
      restartService: enqueueActions(({ context, event, enqueue, self }) => {
        const id = (event as { type: string }).type.slice("xstate.error.actor.".length);
        if (!SERVICE_IDS.has(id) || self.getSnapshot().value === "stopped") return;
        enqueue.stopChild(id);
        if (id === "service")
          enqueue.spawnChild("service", { id: "service", input: context.service });
        else if (context.tools)
          enqueue.spawnChild("tools", { id: "tools", input: { tools: context.tools } });
      }),
      // The services (the app-server, the tool server) end once every thread has.
      stopService: enqueueActions(({ enqueue, self }) => {
        const { children } = self.getSnapshot();
        for (const id of SERVICE_IDS)
          if (children[id]) enqueue.sendTo(id, { type: "service.stop" });
      }),
      broadcast: ({ self }, params: { type: "thread.shutdown" | "thread.kill" }) => {
        for (const thread of threadsOf(self.getSnapshot().children))
          thread.send({ type: params.type });
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
      holders: [],
      waiting: [],
      failureTimes: [],
      shutdownTimeoutMs: 0,
      spent: NOTHING_SPENT,
      recentFailures: [],
    }),
    entry: transport.service ? ["startService", "startTools"] : ["startTools"],
    initial: "running",
    on: {
      "xstate.error.actor.*": {
        actions: ["settleCrashedThread", "freeCrashedThread", "restartService"],
      },
      "codex.spawnThread": { actions: "spawnThread" },
      "codex.releaseThread": { actions: "releaseThread" },
      "thread.released": { actions: stopChild(({ event }) => event.thread) },
      "slot.cancel": { actions: "cancelWaiting" },
      "slot.release": { actions: "releaseOnly" },
      "thread.spent": { actions: ["recordSpent", "stopOverBudget"] },
      "thread.turnFailed": { actions: "recordRecentFailure" },
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
          "thread.turnFailed": { actions: ["recordFailure", "recordRecentFailure"] },
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
};

/** The Codex root actor. */
export type CodexActorRef = ActorRefFrom<ReturnType<typeof createCodexMachine>>;

function escalatedError(context: CodexContext): EscalatedError {
  const { maxFailures = 0, withinMs = 0 } = context.escalation ?? {};
  return new EscalatedError(maxFailures, withinMs);
}

/** The root's context with these threads holding the slots. */
const holding = (holders: string[]) => ({ holders, running: holders.length });

/** What the root answers a thread's request for a slot. */
type SlotAnswer =
  { type: "slot.granted"; counted: boolean } | { type: "slot.denied"; error: CodexError };

/**
 * The slots once `freed` lets go of its own, if it holds one: handed to the first of `waiting`
 * (the queue from then on) the Codex's budget leaves room for (`counted`: a new turn, counted
 * against the budget); those before it are denied, with the error their turn ends with. The
 * `answers` go to those threads, in order.
 */
function handOver(
  context: CodexContext,
  freed: string,
  waiting: ThreadActorRef[],
): { update: Partial<CodexContext>; answers: Array<[ThreadActorRef, SlotAnswer]> } {
  const others = context.holders.filter((holder) => holder !== freed);
  const answers: Array<[ThreadActorRef, SlotAnswer]> = [];
  if (others.length === context.holders.length)
    return { update: { waiting, ...holding(others) }, answers };
  for (const [index, next] of waiting.entries()) {
    const newTurn = next.getSnapshot().context.attempt === 0;
    const refused = refusalOf(context, newTurn);
    if (refused) {
      answers.push([next, { type: "slot.denied", error: refused }]);
      continue;
    }
    const update = {
      waiting: waiting.slice(index + 1),
      ...holding([...others, next.id]),
      spent: spend(context.spent, 0, newTurn ? 1 : 0),
    };
    answers.push([next, { type: "slot.granted", counted: newTurn }]);
    return { update, answers };
  }
  return { update: { waiting: [], ...holding(others) }, answers };
}

/** The Codex's budget with what its threads have spent against it. */
const codexLedger = (context: CodexContext): BudgetLedger => ({
  scope: "codex",
  budget: context.budget,
  spent: context.spent,
});

/** The error a turn asking for a slot is refused with when the Codex's budget leaves no room. */
function refusalOf(context: CodexContext, newTurn: boolean): CodexError | null {
  const breach = breachBeforeStart([codexLedger(context)], newTurn);
  return breach && budgetError(breach, "before-start");
}

/** The thread whose `slot.release` this is, if it holds a slot (a stale release counts nothing). */
function heldBy(context: CodexContext, event: CodexMachineEvent): string | null {
  if (event.type !== "slot.release") return null;
  return context.holders.includes(event.thread.id) ? event.thread.id : null;
}

/** The thread actor that an `xstate.error.actor.<id>` event says failed, if it is one. */
function crashedThread(
  children: Record<string, unknown>,
  event: { type: string },
): ThreadActorRef | undefined {
  const id = event.type.slice("xstate.error.actor.".length);
  return SERVICE_IDS.has(id) ? undefined : (children[id] as ThreadActorRef | undefined);
}

/** Stands in for the service of a transport that has none (it is never invoked). */
const noService = fromCallback(() => undefined);
