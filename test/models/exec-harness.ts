import { expect } from "@jest/globals";
import type { AnyMachineSnapshot, EventObject } from "xstate";
import type { TestParam } from "xstate/graph";
import { stateName } from "../../src/machines/snapshot-tree.js";
import { mockCodex } from "../support/mock-codex.js";
import { isAlive } from "../support/processes.js";
import { ActorTrace, pidsOf, type TraceStep } from "./actor-trace.js";
import { execScenarioOf, expectedExecOutcome } from "./exec-lifecycle.model.js";
import { eventsOf, type LifecyclePath } from "../../src/testing/path-coverage.js";

type Params = TestParam<AnyMachineSnapshot, EventObject>;

const EXITS: Record<string, (step: TraceStep) => boolean> = {
  EXIT_0: ({ event }) => event.exitCode === 0,
  CRASH: ({ event }) => event.exitCode === 1,
  KILLED: ({ event }) => event.signal === "SIGKILL",
  EXITED: () => true,
};

/** How many stdout events the batches up to and including trace step `upTo` carried. */
const eventsThrough = (trace: ActorTrace, upTo: TraceStep) => {
  let count = 0;
  for (const { event } of trace.steps.slice(0, trace.steps.indexOf(upTo) + 1)) {
    if (event.type !== "codex.batch") continue;
    count += typeof event.count === "number" ? event.count : (event.events as unknown[]).length;
  }
  return count;
};

/**
 * Runs one exec path against the real actors: one unsupervised turn over mock-codex doing what
 * the path says. Each event waits for (or, for `ABORT`, causes) the real exec actor's matching
 * step; each state test checks the state the real actor was in; then the turn's outcome, the
 * whole sequence of states, and that no process is left.
 */
export async function runExecPath(path: LifecyclePath, notExecutable: string): Promise<void> {
  const events = eventsOf(path);
  const scenario = execScenarioOf(events);
  const trace = new ActorTrace("exec");
  const rig = mockCodex(scenario.steps, {
    supervision: false,
    inspect: trace.inspect,
    ...(scenario.spawnFails ? { codexPathOverride: notExecutable } : {}),
  });
  const controller = new AbortController();
  const outcome = rig.codex
    .startThread()
    .run("model-based", { signal: controller.signal, idleTimeoutMs: scenario.idleTimeoutMs })
    .then(
      () => "resolved",
      (error: Error) => error.name,
    );

  let index = -1;
  let matched: TraceStep | undefined;
  let lastBatch: TraceStep | undefined;
  const step = async (what: string, matches: (step: TraceStep) => boolean) => {
    matched = await trace.next(what, matches);
  };
  const batch = async (what: string, holds: (step: TraceStep) => boolean) => {
    if (lastBatch && holds(lastBatch)) return void (matched = lastBatch);
    await step(what, (s) => s.event.type === "codex.batch" && holds(s));
    lastBatch = matched;
  };
  /** Whether the latest path event was a line the machine takes no step for. */
  let quietLine = false;
  const line = async () => {
    const n = scenario.lineOf.get(++index)!;
    quietLine = scenario.quiet.has(index);
    // A line that moves nothing is counted with the next batch: nothing to wait for here (the
    // next step checks that the real actor did not move meanwhile).
    if (quietLine) return;
    await batch(`the batch with stdout event ${n}`, (s) => eventsThrough(trace, s) > n);
  };
  const on = (type: string) => () => {
    index += 1;
    quietLine = false;
    return step(type, (s) => s.event.type === type);
  };
  const exit = (type: string) => () => {
    index += 1;
    quietLine = false;
    return step(
      `codex.exited (${type})`,
      (s) => s.event.type === "codex.exited" && EXITS[type]!(s),
    );
  };

  let previous: string | undefined;
  const params: Params = {
    events: {
      SPAWNED: on("codex.spawned"),
      SPAWN_FAILED: on("codex.spawnFailed"),
      OUTPUT: line,
      TURN_COMPLETED: line,
      TURN_FAILED: line,
      GARBAGE: () => {
        index += 1;
        quietLine = false;
        return batch("a batch with a protocol error", (s) => s.event.error !== undefined);
      },
      IDLE_TIMEOUT: on("codex.idle"),
      ABORT: () => {
        controller.abort(new Error("model-based abort"));
        return on("attempt.abort")();
      },
      EXIT_0: exit("EXIT_0"),
      CRASH: exit("CRASH"),
      KILLED: exit("KILLED"),
      EXITED: exit("EXITED"),
    },
    states: {
      "*": async (state) => {
        const want = stateName(state.value);
        if (!matched) await step("the exec actor to start", (s) => s.event.type === "xstate.init");
        // A self-transition of the model: the real actor took the event in that state (or, for
        // a quiet line, took no step and is where its last step left it).
        const real = previous === want && !quietLine ? matched!.from : matched!.to;
        expect(`${real} (after ${matched!.event.type})`).toBe(
          `${want} (after ${matched!.event.type})`,
        );
        previous = want;
      },
    },
  };
  try {
    await path.test(params);
    expect(await outcome).toBe(expectedExecOutcome(path.state));
    const modelValues = path.steps.map((s) => stateName(s.state.value));
    expect(trace.valuesOf(trace.latestActor()!)).toEqual(
      modelValues.filter((value, i) => value !== modelValues[i - 1]),
    );
    // Exited while streaming: the batches counted every line, quiet ones included.
    if (!scenario.spawnFails && !modelValues.includes("running.stopping")) {
      const exited = trace.steps.findLast((s) => s.event.type === "codex.exited")!;
      expect(eventsThrough(trace, exited)).toBe(scenario.lineOf.size);
    }
    for (const pid of pidsOf(rig.records(), trace))
      if (pid) expect({ pid, alive: isAlive(pid) }).toEqual({ pid, alive: false });
  } catch (error) {
    (error as Error).message += `\nreal exec trace:\n${trace.describe()}`;
    throw error;
  } finally {
    controller.abort();
    await outcome;
  }
}
