import { expect } from "@jest/globals";
import type { AnyMachineSnapshot, EventObject } from "xstate";
import type { TestParam } from "xstate/graph";
import type { ApprovalDecision } from "../../src/index.js";
import { stateName } from "../../src/machines/snapshot-tree.js";
import { fakeServerCodex } from "../support/fake-app-server.js";
import { eventually, isAlive } from "../support/processes.js";
import { ActorTrace, type TraceStep } from "./actor-trace.js";
import { eventsOf, type LifecyclePath } from "../../src/testing/path-coverage.js";
import { expectedTurnOutcome, turnScenarioOf } from "./turn-lifecycle.model.js";

type Params = TestParam<AnyMachineSnapshot, EventObject>;

/** The session report (or the machine's own step) each model event waits for. */
const REAL_STEP: Record<string, (step: TraceStep) => boolean> = {
  CONNECTED: ({ event }) => event.type === "session.connected",
  STARTED: ({ event }) => event.type === "session.started",
  APPROVAL_ASKED: ({ event }) => event.type === "session.approval",
  APPROVAL_ANSWERED: ({ event }) => event.type === "session.approval",
  IDLE_TIMEOUT: ({ event }) => event.type === "session.idle",
  ABORT: ({ event }) => event.type === "attempt.abort",
  GRACE_ELAPSED: ({ event }) => event.type.startsWith("xstate.after."),
  SETTLE: ({ from }) => from === "ending",
};
for (const type of ["TURN_COMPLETED", "TURN_FAILED", "TURN_INTERRUPTED", "INTERRUPTED"])
  REAL_STEP[type] = ({ event }) => event.type === "session.ended";
for (const type of ["SERVER_FAILED", "REFUSED", "CRASH", "GARBAGE"])
  REAL_STEP[type] = ({ event }) => event.type === "session.failed";

/**
 * Runs one turn path against the real actors: one unsupervised turn of a real
 * `Codex({ transport: "app-server" })` whose server is the fake app-server playing the path.
 * Events the server causes wait for the real turn actor's matching step; the caller's and the
 * approval handler's (`ABORT`, `APPROVAL_ANSWERED`) are done, then waited for. Each state test
 * checks the real actor's state; then the turn's outcome, the whole state sequence, and that no
 * server is left once the `Codex` shut down.
 */
export async function runTurnPath(path: LifecyclePath): Promise<void> {
  const events = eventsOf(path);
  const scenario = turnScenarioOf(
    events,
    path.steps.map((step) => step.state),
  );
  const trace = new ActorTrace("appServerTurn");
  const rig = fakeServerCodex(scenario.steps, {
    supervision: false,
    inspect: trace.inspect,
    ...(scenario.killGraceMs === undefined ? {} : { killGraceMs: scenario.killGraceMs }),
  });
  const answers: Array<(decision: ApprovalDecision) => void> = [];
  const thread = rig.codex.startThread({
    onApproval: () => new Promise<ApprovalDecision>((answer) => answers.push(answer)),
  });
  const controller = new AbortController();
  const outcome = thread
    .run("model-based", { signal: controller.signal, idleTimeoutMs: scenario.idleTimeoutMs })
    .then(
      () => "resolved",
      (error: Error) => error.name,
    );

  let matched: TraceStep | undefined;
  let previous: string | undefined;
  const wait = (type: string) => async () => {
    matched = await trace.next(type, REAL_STEP[type]!);
  };
  const eventHandlers: Params["events"] = {};
  for (const type of Object.keys(REAL_STEP)) eventHandlers[type] = wait(type);
  eventHandlers.ABORT = () => {
    controller.abort(new Error("model-based abort"));
    return wait("ABORT")();
  };
  eventHandlers.APPROVAL_ANSWERED = async () => {
    await eventually(() => answers.length > 0, "the handler to be asked", 10_000);
    answers.shift()!("accept");
    return wait("APPROVAL_ANSWERED")();
  };
  const params: Params = {
    events: eventHandlers,
    states: {
      "*": async (state) => {
        const want = stateName(state.value);
        if (!matched)
          matched = await trace.next("the turn actor", (s) => s.event.type === "xstate.init");
        const real = previous === want ? matched.from : matched.to;
        expect(`${real} (after ${matched.event.type})`).toBe(
          `${want} (after ${matched.event.type})`,
        );
        previous = want;
      },
    },
  };
  try {
    await path.test(params);
    expect(await outcome).toBe(expectedTurnOutcome(path.state));
    const modelValues = path.steps.map((s) => stateName(s.state.value));
    expect(trace.valuesOf(trace.latestActor()!)).toEqual(
      modelValues.filter((value, i) => value !== modelValues[i - 1]),
    );
    await rig.codex.shutdown({ timeoutMs: 0 });
    for (const pid of rig.serverPids())
      expect({ pid, alive: isAlive(pid) }).toEqual({ pid, alive: false });
  } catch (error) {
    (error as Error).message += `\nreal turn trace:\n${trace.describe()}`;
    throw error;
  } finally {
    controller.abort();
    for (const answer of answers) answer("decline"); // Late answers: ignored.
    await outcome;
  }
}
