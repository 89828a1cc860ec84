import { assign, setup, type AnyMachineSnapshot } from "xstate";
import { createTestModel } from "xstate/graph";
import type { LifecycleModel } from "./path-coverage.js";

/**
 * What can happen to one supervised turn, as the kit can make the real binary do it:
 * `START` (a process slot is granted) or `BREAKER_OPEN` (the root is escalated), then per
 * attempt `SUCCEED`, `FAIL` (the model refuses: 401), `CRASH` (codex is killed), `IDLE` (codex
 * goes silent past `idleTimeoutMs`), `ABORT` (the caller's signal), `SHUTDOWN`
 * (`codex.shutdown()`) or `DEADLINE` (`timeoutMs`).
 */
export type TurnLifecycleEvent =
  | { type: "START" }
  | { type: "BREAKER_OPEN" }
  | { type: "SUCCEED" }
  | { type: "FAIL" }
  | { type: "CRASH" }
  | { type: "IDLE" }
  | { type: "ABORT" }
  | { type: "SHUTDOWN" }
  | { type: "DEADLINE" };

/** How a turn ends: the final states of {@link turnLifecycle}. */
export type TurnOutcome =
  "completed" | "failed" | "gaveUp" | "aborted" | "shutDown" | "timedOut" | "escalated";

/** The restarts so far (at most {@link PATH_MAX_RESTARTS}). */
export type TurnLifecycleContext = { restarts: number };

/** The restarts a turn may take in the lifecycle (and in the policy its paths run under). */
export const PATH_MAX_RESTARTS = 1;

const restartOr = (gaveUp: string) => [
  {
    guard: "canRestart" as const,
    target: "attempting",
    reenter: true,
    actions: "countRestart" as const,
  },
  { target: gaveUp },
];

/**
 * The abstract lifecycle of one turn under supervision, with every outcome: completed, failed,
 * restarted after a transient failure (a crash or an idle kill) and then any outcome, given up
 * (`RestartLimitError`), aborted, shut down, timed out (deadline) and escalated. No timers, no
 * children: usable with `createTestModel` from `xstate/graph` (see {@link turnLifecycleModel}).
 * A deadline is modelled on the first attempt only.
 */
export const turnLifecycle = setup({
  types: { context: {} as TurnLifecycleContext, events: {} as TurnLifecycleEvent },
  actions: { countRestart: assign({ restarts: ({ context }) => context.restarts + 1 }) },
  guards: {
    canRestart: ({ context }) => context.restarts < PATH_MAX_RESTARTS,
    firstAttempt: ({ context }) => context.restarts === 0,
  },
}).createMachine({
  id: "turnLifecycle",
  context: { restarts: 0 },
  initial: "submitted",
  states: {
    submitted: { on: { START: "attempting", BREAKER_OPEN: "escalated" } },
    attempting: {
      on: {
        SUCCEED: "completed",
        FAIL: "failed",
        CRASH: restartOr("gaveUp"),
        IDLE: restartOr("gaveUp"),
        ABORT: "aborted",
        SHUTDOWN: "shutDown",
        DEADLINE: { guard: "firstAttempt", target: "timedOut" },
      },
    },
    completed: { type: "final" },
    failed: { type: "final" },
    gaveUp: { type: "final" },
    aborted: { type: "final" },
    shutDown: { type: "final" },
    timedOut: { type: "final" },
    escalated: { type: "final" },
  },
});

/** A fresh `createTestModel` of {@link turnLifecycle}: only events it takes in a state are offered there. */
export function turnLifecycleModel(): LifecycleModel {
  return createTestModel(turnLifecycle, {
    filterEvents: (snapshot, event) => snapshot.can(event),
  }) as unknown as LifecycleModel;
}

/** Whether a turn lifecycle path has ended (its turn settled). */
export const turnSettled = (snapshot: AnyMachineSnapshot): boolean => snapshot.status === "done";
