import { expect } from "@jest/globals";
import type { AnyMachineSnapshot, EventObject } from "xstate";
import type { TestParam } from "xstate/graph";
import { stateName } from "../../src/machines/snapshot-tree.js";
import { fakeServerCodex } from "../support/fake-app-server.js";
import { isAlive } from "../support/processes.js";
import { ActorTrace, type TraceStep } from "./actor-trace.js";
import { eventsOf, type LifecyclePath } from "../../src/testing/path-coverage.js";
import { planServerPath, SERVER_MAX_RESTARTS, SERVER_PERIOD_MS } from "./server-lifecycle.model.js";

type Params = TestParam<AnyMachineSnapshot, EventObject>;
type ServerContext = { pid: number | null; exitTimes: number[] };

/** The real server actor's step each model event waits for. */
const REAL_STEP: Record<string, (step: TraceStep) => boolean> = {
  DEMAND: ({ event }) => event.type === "server.demand",
  READY: ({ event }) => event.type === "server.ready",
  START_FAILED: ({ event }) => event.type === "server.exited",
  HANDSHAKE_TIMEOUT: ({ event }) => event.type === "server.exited",
  CRASH: ({ event }) => event.type === "server.exited",
  GARBAGE: ({ event }) => event.type === "server.exited",
  STOP: ({ event }) => event.type === "service.stop",
};

/**
 * Runs one server path against the real actors: a real `Codex({ transport: "app-server" })` over
 * the fake app-server, one fake run per start. A demand is a `listThreads()` call, a crash a
 * SIGKILL of the server, `WAIT_PERIOD` waits out the intensity's period, `STOP` is `shutdown()`;
 * the rest the fake does by itself. Each event waits for the real server actor's matching step;
 * then each demand's outcome, the state sequence, and no server left.
 */
export async function runServerPath(path: LifecyclePath): Promise<void> {
  const plan = planServerPath(
    eventsOf(path),
    path.steps.map((step) => step.state),
  );
  const trace = new ActorTrace("appServer");
  const rig = fakeServerCodex(
    { runs: plan.runs },
    {
      supervision: { maxRestarts: SERVER_MAX_RESTARTS, withinMs: SERVER_PERIOD_MS },
      inspect: trace.inspect,
      killGraceMs: 500,
      ...(plan.startTimeoutMs === undefined ? {} : { serverStartTimeoutMs: plan.startTimeoutMs }),
    },
  );
  const demands: Array<Promise<string>> = [];
  let matched: TraceStep | undefined;
  const server = () => matched!.snapshot.context as ServerContext;
  const wait = (type: string) => async () => {
    matched = await trace.next(type, REAL_STEP[type]!);
  };
  const events: Params["events"] = {};
  for (const type of Object.keys(REAL_STEP)) events[type] = wait(type);
  events.DEMAND = () => {
    demands.push(
      rig.codex.listThreads().then(
        () => "resolved",
        (error: Error) => error.name,
      ),
    );
    return wait("DEMAND")();
  };
  // The demand's `thread/list` is answered before the path goes on (a crash would beat it).
  events.READY = async () => {
    await wait("READY")();
    await demands.at(-1);
  };
  events.CRASH = () => {
    process.kill(rig.codex.getSnapshot().server!.pid!, "SIGKILL");
    return wait("CRASH")();
  };
  events.STOP = () => {
    void rig.codex.shutdown({ timeoutMs: 0 });
    return wait("STOP")();
  };
  events.WAIT_PERIOD = async () => {
    const left = server().exitTimes.at(-1)! + SERVER_PERIOD_MS - Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, left) + 20));
  };
  const params: Params = {
    events,
    states: {
      "*": async (state) => {
        if (!matched) matched = await trace.next("the server actor", (s) => s.from === "(none)");
        // After WAIT_PERIOD the real actor took no step: it is still where the last one left it.
        const real = matched.to;
        expect(`${real} (after ${matched.event.type})`).toBe(
          `${stateName(state.value)} (after ${matched.event.type})`,
        );
      },
    },
  };
  try {
    await path.test(params);
    expect(await Promise.all(demands)).toEqual(plan.demands);
    const modelValues = path.steps.map((s) => stateName(s.state.value));
    expect(trace.valuesOf(trace.steps[0]!.actor)).toEqual(
      modelValues.filter((value, i) => value !== modelValues[i - 1]),
    );
    await rig.codex.shutdown({ timeoutMs: 0 });
    const spawned = trace.steps.filter((s) => s.event.type === "server.spawned");
    expect(spawned).toHaveLength(plan.runs.length);
    for (const pid of spawned.map((s) => s.event.pid as number))
      expect({ pid, alive: isAlive(pid) }).toEqual({ pid, alive: false });
  } catch (error) {
    (error as Error).message += `\nreal server trace:\n${trace.describe()}`;
    throw error;
  } finally {
    await rig.codex.shutdown({ timeoutMs: 0 });
    await Promise.all(demands);
  }
}
