import { assign, setup, type AnyMachineSnapshot, type EventObject } from "xstate";
import { createTestModel } from "xstate/graph";
import type { FakeStep } from "../support/fake-app-server.js";
import type { LifecycleModel } from "../../src/testing/path-coverage.js";

/** What turns, the server process and the clock do, as the server machine sees it. */
export type ServerModelEvent =
  | { type: "DEMAND" }
  | { type: "READY" }
  | { type: "START_FAILED" }
  | { type: "HANDSHAKE_TIMEOUT" }
  | { type: "CRASH" }
  | { type: "GARBAGE" }
  | { type: "WAIT_PERIOD" }
  | { type: "STOP" };

/** Exits within the period (capped: one more suspends), and whether the period has passed since. */
type ServerModelContext = { exits: number; periodOver: boolean };

/** The intensity the paths run with: a second exit within the period suspends the server. */
export const SERVER_MAX_RESTARTS = 1;

const exit = [
  { guard: "tooManyExits", target: "#serverLifecycle.suspended" },
  { target: "#serverLifecycle.idle", actions: "countExit" },
] as const;

/**
 * The app-server machine's lifecycle without its process: the process's doings and the time
 * passing are plain events. A demand while `suspended` is refused until the period since the last
 * exit has passed (`WAIT_PERIOD`), then it starts a server afresh.
 */
export const serverLifecycle = setup({
  types: { context: {} as ServerModelContext, events: {} as ServerModelEvent },
  actions: { countExit: assign({ exits: ({ context }) => context.exits + 1 }) },
  guards: {
    tooManyExits: ({ context }) => context.exits + 1 > SERVER_MAX_RESTARTS,
    periodOver: ({ context }) => context.periodOver,
    periodRunning: ({ context }) => !context.periodOver,
  },
}).createMachine({
  id: "serverLifecycle",
  context: { exits: 0, periodOver: false },
  initial: "idle",
  states: {
    idle: { on: { DEMAND: "running", STOP: "stopped" } },
    running: {
      on: { STOP: "stopped" },
      initial: "starting",
      states: {
        starting: {
          on: { READY: "ready", START_FAILED: [...exit], HANDSHAKE_TIMEOUT: [...exit] },
        },
        ready: { on: { CRASH: [...exit], GARBAGE: [...exit] } },
      },
    },
    suspended: {
      on: {
        DEMAND: [
          {
            guard: "periodOver",
            target: "running",
            actions: assign({ exits: 0, periodOver: false }),
          },
          // An action, so that `can()` offers the self-transition.
          { actions: assign({ periodOver: false }) },
        ],
        WAIT_PERIOD: { guard: "periodRunning", actions: assign({ periodOver: true }) },
        STOP: "stopped",
      },
    },
    stopped: { type: "final" },
  },
});

/** The test model: only events the model takes in a state are offered there. */
export const serverModel = createTestModel(serverLifecycle, {
  filterEvents: (snapshot, event) => snapshot.can(event),
}) as unknown as LifecycleModel;

/** Whether a server path has ended: the server actor stopped. */
export const serverDone = (snapshot: AnyMachineSnapshot): boolean => snapshot.status === "done";

/** The intensity's period of the paths: longer than any two exits of a path take on a loaded machine. */
export const SERVER_PERIOD_MS = 2_500;
/** The handshake bound of a path with `HANDSHAKE_TIMEOUT`. */
export const SERVER_START_TIMEOUT_MS = 800;

const LISTED: FakeStep[] = [{ expect: "thread/list" }, { respond: { data: [], nextCursor: null } }];
const HUNG: FakeStep[] = [{ ignoreInitialize: true }, { hang: true }];

/**
 * A server path as fake app-server runs (one per start) and what each demand (a `listThreads()`
 * call) settles with: `resolved`, or the name of the error it rejects with.
 */
export type ServerPlan = { runs: FakeStep[][]; demands: string[]; startTimeoutMs?: number };

/** Plans a path: each start's steps follow from how the path ends that server. */
export function planServerPath(events: EventObject[], states: AnyMachineSnapshot[]): ServerPlan {
  const runs: FakeStep[][] = [];
  const demands: string[] = [];
  const start = (steps: FakeStep[], outcome: string) => {
    runs.push([...steps]);
    demands[demands.length - 1] = outcome;
  };
  events.forEach((event, i) => {
    const [from, to] = [states[i]!, states[i + 1]!];
    switch (event.type) {
      case "DEMAND":
        demands.push(to.matches("running") ? "pending" : "AppServerCrashLoopError");
        break;
      case "READY":
        return start(LISTED, "resolved");
      case "GARBAGE":
        return void runs.at(-1)!.push({ line: "garbage\n" }, { hang: true });
      case "START_FAILED":
        return start([{ ignoreInitialize: true }, { exit: 1 }], "CodexConfigError");
      case "HANDSHAKE_TIMEOUT":
        return start(HUNG, "AppServerStartTimeoutError");
      case "STOP":
        if (from.matches({ running: "starting" })) start(HUNG, "ShutdownError");
    }
  });
  return {
    runs,
    demands,
    ...(events.some((e) => e.type === "HANDSHAKE_TIMEOUT")
      ? { startTimeoutMs: SERVER_START_TIMEOUT_MS }
      : {}),
  };
}
