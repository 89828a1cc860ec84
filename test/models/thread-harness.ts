import { expect } from "@jest/globals";
import type { AnyMachineSnapshot, EventObject, InspectionEvent } from "xstate";
import type { TestParam } from "xstate/graph";
import type { Thread } from "../../src/index.js";
import { stateName } from "../../src/machines/snapshot-tree.js";
import { mockCodex } from "../support/mock-codex.js";
import { eventually, isAlive } from "../support/processes.js";
import { ActorTrace, pidsOf, type TraceStep } from "./actor-trace.js";
import type { LifecyclePath } from "../../src/testing/path-coverage.js";
import { planThreadPath, type PlanStep } from "./thread-plan.js";

type Params = TestParam<AnyMachineSnapshot, EventObject>;
type Settled = { outcome: string; attempts?: number };
type ExecContext = { pid: number | null; threadId: string | null; turnFailure: string | null };

/** The path's steps with the model state before each one. */
export const planStepsOf = (path: LifecyclePath): PlanStep[] =>
  path.steps
    .slice(1)
    .map((step, i) => ({ event: step.event, from: path.steps[i]!.state, to: step.state }));

/** The context of the exec actor of the attempt in hand, once there is one. */
function execOf(thread: Thread): ExecContext | undefined {
  const exec = thread.actor.getSnapshot().children.attempt;
  return (exec?.getSnapshot() as { context?: ExecContext } | undefined)?.context;
}

/**
 * Runs one thread path against the real actors: a supervised thread over mock-codex runs planned
 * from the path. Events cause what the test can cause (turns, kills, aborts, a shutdown) and wait
 * for the real thread's next change of state; state tests compare it with the model. Then each
 * turn's outcome, each attempt's exec end state, the state sequence, and no process left.
 */
export async function runThreadPath(path: LifecyclePath): Promise<void> {
  const plan = planThreadPath(planStepsOf(path));
  const threadTrace = new ActorTrace("thread");
  const execTrace = new ActorTrace("exec");
  const rig = mockCodex(
    { attempts: plan.attempts.map((attempt) => attempt.steps) },
    {
      supervision: plan.policy,
      inspect: (event: InspectionEvent) => {
        threadTrace.inspect(event);
        execTrace.inspect(event);
      },
    },
  );
  const thread = rig.codex.startThread();
  const turns: Array<{ controller: AbortController; settled: Promise<Settled> }> = [];
  let current = -1;
  let shutdown: Promise<void> | undefined;
  let matched: TraceStep | undefined;
  let selfLoop = false;

  const change = async (what: string) => {
    selfLoop = false;
    matched = await threadTrace.next(what, (s) => s.from !== s.to);
  };
  /** Waits until the attempt in hand got as far as `ready` says (its run has read its steps). */
  const attemptReached = (ready: (exec: ExecContext) => boolean, what: string) =>
    eventually(() => (execOf(thread) ? ready(execOf(thread)!) : false), what, 10_000);
  const started = (exec: ExecContext) => exec.threadId !== null;
  const kill = async (ready: (exec: ExecContext) => boolean, what: string) => {
    await attemptReached(ready, what);
    process.kill(execOf(thread)!.pid!, "SIGKILL");
    await change("the attempt to end");
  };
  const params: Params = {
    events: {
      RUN: async ({ state }) => {
        const controller = new AbortController();
        const n = turns.length;
        const settled = thread
          .run(`turn ${n}`, { signal: controller.signal, timeoutMs: plan.turns[n]!.timeoutMs })
          .then(
            (turn): Settled => ({ outcome: "resolved", attempts: turn.attempts }),
            (error: Error): Settled => ({ outcome: error.name }),
          );
        turns.push({ controller, settled });
        if (state.matches({ busy: "attempting" }) && turns.length > 1) {
          matched = await threadTrace.next(
            "the turn to be queued",
            (s) => s.event.type === "thread.enqueue",
          );
          selfLoop = true;
        } else {
          current = n;
          await change("the turn to start");
        }
      },
      NEXT_TURN: () => {
        current += 1;
        return change("the mailbox to take the next turn");
      },
      GRANTED: () => change("the slot"),
      SUCCEED: () => change("the attempt to complete"),
      CRASH: () => kill(started, "thread.started"),
      REJECTED: () => kill((exec) => exec.turnFailure !== null, "turn.failed"),
      CANCEL: async ({ state }) => {
        if (state.matches({ busy: "deciding" })) await attemptReached(started, "thread.started");
        turns[current]!.controller.abort(new Error("model-based cancel"));
        await change("the cancel");
      },
      SHUTDOWN: async ({ state }) => {
        if (state.matches({ busy: "deciding" })) await attemptReached(started, "thread.started");
        shutdown = rig.codex.shutdown({ timeoutMs: 0 });
        await change("the shutdown");
      },
      RESTART: () => change("the restart decision"),
      GIVE_UP: () => change("the decision not to restart"),
      BACKOFF_ELAPSED: () => change("the backoff to elapse"),
      DEADLINE: () => change("the turn's deadline"),
      STOPPED: () => change("the stopped turn to settle"),
    },
    states: {
      "*": async (state) => {
        if (!matched)
          matched = await threadTrace.next("the thread", (s) => s.event.type === "xstate.init");
        const real = selfLoop ? matched.from : matched.to;
        expect(`${real} (after ${matched.event.type})`).toBe(
          `${stateName(state.value)} (after ${matched.event.type})`,
        );
      },
    },
  };
  try {
    await path.test(params);
    const settled = await Promise.all(turns.map((turn) => turn.settled));
    expect(settled).toEqual(
      plan.turns.map(({ outcome, attempts }) =>
        outcome === "resolved" ? { outcome, attempts } : { outcome },
      ),
    );
    await shutdown;
    const modelValues = path.steps.map((s) => stateName(s.state.value));
    expect(threadTrace.valuesOf(threadTrace.steps[0]!.actor)).toEqual(
      modelValues.filter((value, i) => value !== modelValues[i - 1]),
    );
    const execActors = [...new Set(execTrace.steps.map((s) => s.actor))];
    expect(execActors.map((actor) => execTrace.valuesOf(actor).at(-1))).toEqual(
      plan.attempts.map((attempt) => attempt.execFinal),
    );
    const spawned = execTrace.steps.filter((s) => s.event.type === "codex.spawned");
    expect(spawned).toHaveLength(plan.attempts.length);
    for (const pid of pidsOf(rig.records(), execTrace))
      if (pid) expect({ pid, alive: isAlive(pid) }).toEqual({ pid, alive: false });
  } catch (error) {
    (error as Error).message += `\nreal thread trace:\n${threadTrace.describe()}`;
    throw error;
  } finally {
    await rig.codex.shutdown({ timeoutMs: 0 });
    await Promise.all(turns.map((turn) => turn.settled));
  }
}
