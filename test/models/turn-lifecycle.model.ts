import { assign, setup, type AnyMachineSnapshot, type EventObject } from "xstate";
import { createTestModel } from "xstate/graph";
import type { FakeStep } from "../support/fake-app-server.js";
import {
  approvalAsked,
  interruptHonoured,
  threadAnswered,
  turnAnswered,
  turnEnded,
  turnRequested,
  turnStarted,
} from "../support/fake-turn-steps.js";
import type { LifecycleModel } from "../../src/testing/path-coverage.js";

/** What the app-server, the approval handler and the caller do, as the turn machine sees it. */
export type TurnModelEvent =
  | { type: "CONNECTED" }
  | { type: "SERVER_FAILED" }
  | { type: "STARTED" }
  | { type: "REFUSED" }
  | { type: "APPROVAL_ASKED" }
  | { type: "APPROVAL_ANSWERED" }
  | { type: "TURN_COMPLETED" }
  | { type: "TURN_FAILED" }
  | { type: "TURN_INTERRUPTED" }
  | { type: "CRASH" }
  | { type: "GARBAGE" }
  | { type: "IDLE_TIMEOUT" }
  | { type: "ABORT" }
  | { type: "INTERRUPTED" }
  | { type: "GRACE_ELAPSED" }
  | { type: "SETTLE" };

/** The error (by name) the attempt ends with once known, and the approvals pending (at most 2). */
type TurnModelContext = { error: string | null; pending: number };

const failWith = (error: string) => ({
  target: "#turnLifecycle.ending",
  actions: { type: "record" as const, params: { error } },
});
const stopWith = (error: string) => ({
  target: "stopping",
  actions: { type: "record" as const, params: { error } },
});

/**
 * The app-server turn machine's lifecycle without its session: the server's notifications, the
 * handler's answers and the caller's stops are plain events, so `createTestModel` can walk it.
 * `ending` is left by `SETTLE`, the real machine's eventless step to its final state.
 */
export const turnLifecycle = setup({
  types: { context: {} as TurnModelContext, events: {} as TurnModelEvent },
  actions: { record: assign((_, params: { error: string }) => ({ error: params.error })) },
  guards: {
    roomForAnother: ({ context }) => context.pending < 2,
    morePending: ({ context }) => context.pending > 1,
    ok: ({ context }) => context.error === null,
    stopRequested: ({ context }) =>
      context.error === "AbortError" || context.error === "TurnInterruptedError",
  },
}).createMachine({
  id: "turnLifecycle",
  context: { error: null, pending: 0 },
  initial: "running",
  states: {
    running: {
      initial: "connecting",
      states: {
        connecting: {
          on: {
            CONNECTED: "starting",
            SERVER_FAILED: failWith("CodexConfigError"),
            ABORT: failWith("AbortError"),
            IDLE_TIMEOUT: failWith("IdleTimeoutError"),
          },
        },
        starting: {
          on: {
            STARTED: "streaming",
            // Refused as invalid (-32600): a configuration error, as exec's refusal at start.
            REFUSED: failWith("CodexConfigError"),
            CRASH: failWith("AppServerClosedError"),
            ABORT: stopWith("AbortError"),
            IDLE_TIMEOUT: stopWith("IdleTimeoutError"),
          },
        },
        streaming: {
          on: {
            APPROVAL_ASKED: { target: "awaitingApproval", actions: assign({ pending: 1 }) },
            TURN_COMPLETED: { target: "#turnLifecycle.ending" },
            TURN_FAILED: failWith("TurnFailedError"),
            TURN_INTERRUPTED: failWith("TurnInterruptedError"),
            CRASH: failWith("AppServerClosedError"),
            GARBAGE: failWith("ProtocolError"),
            ABORT: stopWith("AbortError"),
            IDLE_TIMEOUT: stopWith("IdleTimeoutError"),
          },
        },
        awaitingApproval: {
          on: {
            APPROVAL_ASKED: {
              guard: "roomForAnother",
              actions: assign({ pending: ({ context }) => context.pending + 1 }),
            },
            APPROVAL_ANSWERED: [
              {
                guard: "morePending",
                actions: assign({ pending: ({ context }) => context.pending - 1 }),
              },
              { target: "streaming", actions: assign({ pending: 0 }) },
            ],
            CRASH: failWith("AppServerClosedError"),
            ABORT: stopWith("AbortError"),
          },
        },
        stopping: {
          on: {
            INTERRUPTED: "#turnLifecycle.ending",
            GRACE_ELAPSED: "#turnLifecycle.ending",
          },
        },
      },
    },
    ending: {
      on: {
        SETTLE: [
          { guard: "ok", target: "completed" },
          { guard: "stopRequested", target: "aborted" },
          { target: "failed" },
        ],
      },
    },
    completed: { type: "final" },
    failed: { type: "final" },
    aborted: { type: "final" },
  },
});

/** The test model: only events the model takes in a state are offered there. */
export const turnModel = createTestModel(turnLifecycle, {
  filterEvents: (snapshot, event) => snapshot.can(event),
}) as unknown as LifecycleModel;

/** Whether a turn path has ended: the attempt reached a final state. */
export const turnDone = (snapshot: AnyMachineSnapshot): boolean => snapshot.status === "done";

/** The idle timeout of a path with `IDLE_TIMEOUT`: long enough for the fake to start when loaded. */
export const TURN_IDLE_TIMEOUT_MS = 3_000;
/** The interrupt grace of a path with `GRACE_ELAPSED`. */
export const INTERRUPT_GRACE_MS = 300;

/** A fake app-server run of a turn path, and the options it needs. */
export type TurnScenario = { steps: FakeStep[]; idleTimeoutMs?: number; killGraceMs?: number };

const STEPS: Record<string, FakeStep[]> = {
  CONNECTED: [...threadAnswered, ...turnRequested],
  SERVER_FAILED: [{ ignoreInitialize: true }, { exit: 1 }],
  STARTED: [turnAnswered, turnStarted],
  REFUSED: [{ respondError: { code: -32600, message: "turn/start refused by the fake" } }],
  APPROVAL_ANSWERED: [{ expectAnswer: true }],
  TURN_COMPLETED: [turnEnded.completed],
  TURN_FAILED: [turnEnded.failed],
  TURN_INTERRUPTED: [turnEnded.interrupted],
  CRASH: [{ signal: "SIGKILL" }],
  GARBAGE: [{ line: "thread 'main' panicked\n" }, { hang: true }],
  INTERRUPTED: interruptHonoured,
  GRACE_ELAPSED: [{ expect: "turn/interrupt" }, { hang: true }],
};

/**
 * Translates a path into what the fake app-server does: each event the server causes becomes its
 * steps; a stop (abort, idle) waits for the interrupt it sends. While `starting`, the turn is
 * answered but never started, so only a stop moves it on; a stop while `connecting` needs a
 * handshake that never ends.
 */
export function turnScenarioOf(events: EventObject[], states: AnyMachineSnapshot[]): TurnScenario {
  const steps: FakeStep[] = [];
  let approvals = 0;
  events.forEach((event, i) => {
    const from = states[i]!;
    if (event.type === "APPROVAL_ASKED") steps.push(approvalAsked(approvals++));
    else if (
      ["ABORT", "IDLE_TIMEOUT"].includes(event.type) &&
      from.matches({ running: "connecting" })
    )
      steps.push({ ignoreInitialize: true }, { hang: true });
    else if (
      ["ABORT", "IDLE_TIMEOUT"].includes(event.type) &&
      from.matches({ running: "starting" })
    )
      steps.push(turnAnswered);
    else steps.push(...(STEPS[event.type] ?? []));
  });
  const types = events.map((event) => event.type);
  return {
    steps,
    ...(types.includes("IDLE_TIMEOUT") ? { idleTimeoutMs: TURN_IDLE_TIMEOUT_MS } : {}),
    ...(types.includes("GRACE_ELAPSED") ? { killGraceMs: INTERRUPT_GRACE_MS } : {}),
  };
}

/** The outcome the model predicts: a resolved turn, or the name of the error it rejects with. */
export function expectedTurnOutcome(final: AnyMachineSnapshot): string {
  if (final.matches("completed")) return "resolved";
  return (final.context as TurnModelContext).error ?? "an error";
}
