import { assign, setup, type AnyMachineSnapshot } from "xstate";
import { createTestModel } from "xstate/graph";
import type { LifecycleModel } from "../../src/testing/path-coverage.js";

/** What happens to a thread: turns asked for, attempts ending, decisions, stops. */
export type ThreadModelEvent =
  | { type: "RUN" }
  | { type: "NEXT_TURN" }
  | { type: "GRANTED" }
  | { type: "SUCCEED" }
  | { type: "CRASH" }
  | { type: "REJECTED" }
  | { type: "CANCEL" }
  | { type: "SHUTDOWN" }
  | { type: "RESTART" }
  | { type: "GIVE_UP" }
  | { type: "BACKOFF_ELAPSED" }
  | { type: "DEADLINE" }
  | { type: "STOPPED" };

/** Turns waiting in the mailbox, why the attempt in hand ended, and whether the Codex shut down. */
type ThreadModelContext = {
  queued: number;
  ending: "none" | "crash" | "rejected" | "cancel" | "shutdown" | "deadline";
  shutDown: boolean;
};

/**
 * A thread's supervision lifecycle without timers or children: the attempt's end, the restart
 * decision and the backoff's end are plain events. One turn may wait in the mailbox; it is taken
 * (`NEXT_TURN`) when the thread comes back to `idle`. A crash (a signal) is transient and
 * restarted; a 401 `turn.failed`, a cancel and a shutdown are not.
 */
export const threadLifecycle = setup({
  types: { context: {} as ThreadModelContext, events: {} as ThreadModelEvent },
  actions: { shutDown: assign({ shutDown: true, queued: 0, ending: "shutdown" as const }) },
  guards: {
    /** Idle and nothing waiting: a queued turn is taken at once, so none can come first. */
    open: ({ context }) => !context.shutDown && context.queued === 0,
    mailboxEmpty: ({ context }) => context.queued === 0 && !context.shutDown,
    hasQueued: ({ context }) => context.queued > 0,
    transient: ({ context }) => context.ending === "crash",
    notTransient: ({ context }) => context.ending !== "crash",
  },
}).createMachine({
  id: "threadLifecycle",
  context: { queued: 0, ending: "none", shutDown: false },
  initial: "idle",
  states: {
    idle: {
      entry: assign({ ending: "none" }),
      on: {
        RUN: { guard: "open", target: "busy" },
        NEXT_TURN: {
          guard: "hasQueued",
          target: "busy",
          actions: assign({ queued: ({ context }) => context.queued - 1 }),
        },
      },
    },
    busy: {
      initial: "acquiring",
      states: {
        acquiring: { on: { GRANTED: "attempting" } },
        attempting: {
          entry: assign({ ending: "none" }),
          on: {
            RUN: { guard: "mailboxEmpty", actions: assign({ queued: 1 }) },
            SUCCEED: "#threadLifecycle.idle",
            CRASH: { target: "deciding", actions: assign({ ending: "crash" }) },
            REJECTED: { target: "deciding", actions: assign({ ending: "rejected" }) },
            CANCEL: { target: "deciding", actions: assign({ ending: "cancel" }) },
            SHUTDOWN: { target: "deciding", actions: "shutDown" },
          },
        },
        deciding: {
          on: {
            RESTART: { guard: "transient", target: "backingOff" },
            GIVE_UP: { guard: "notTransient", target: "#threadLifecycle.idle" },
          },
        },
        backingOff: {
          on: {
            BACKOFF_ELAPSED: "acquiring",
            CANCEL: { target: "stopping", actions: assign({ ending: "cancel" }) },
            DEADLINE: { target: "stopping", actions: assign({ ending: "deadline" }) },
            SHUTDOWN: { target: "#threadLifecycle.idle", actions: "shutDown" },
          },
        },
        stopping: { on: { STOPPED: "#threadLifecycle.idle" } },
      },
    },
  },
});

/** The test model: only events the model takes in a state are offered there. */
export const threadModel = createTestModel(threadLifecycle, {
  filterEvents: (snapshot, event) => snapshot.can(event),
}) as unknown as LifecycleModel;

/** Whether a thread path has ended: idle, nothing queued, so every turn has settled. */
export const threadDone = (snapshot: AnyMachineSnapshot): boolean =>
  snapshot.matches("idle") && (snapshot.context as ThreadModelContext).queued === 0;
