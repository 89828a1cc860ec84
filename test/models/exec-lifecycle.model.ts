import { assign, setup, type AnyMachineSnapshot, type EventObject } from "xstate";
import { createTestModel } from "xstate/graph";
import type { LifecycleModel } from "../../src/testing/path-coverage.js";
import type { MockStep } from "../support/mock-codex.js";

/** What the codex process of one attempt does, as the exec machine sees it. */
export type ExecModelEvent =
  | { type: "SPAWNED" }
  | { type: "SPAWN_FAILED" }
  | { type: "OUTPUT" }
  | { type: "TURN_COMPLETED" }
  | { type: "TURN_FAILED" }
  | { type: "EXIT_0" }
  | { type: "CRASH" }
  | { type: "KILLED" }
  | { type: "GARBAGE" }
  | { type: "IDLE_TIMEOUT" }
  | { type: "ABORT" }
  | { type: "EXITED" };

/**
 * How far the turn got, the error (by name) the attempt ends with once it is known, and how many
 * `OUTPUT` lines were printed (capped at 2: the second is `turn.started`).
 */
type ExecModelContext = {
  turn: "open" | "completed" | "failed";
  error: string | null;
  outputs: number;
};

const exitError = ({ context }: { context: ExecModelContext }) =>
  context.turn === "failed" ? "TurnFailedError" : "CodexExitError";

/** A non-zero exit before the turn started is codex refusing its configuration. */
const crashError = ({ context }: { context: ExecModelContext }) =>
  context.turn === "open" && context.outputs < 2 ? "CodexConfigError" : exitError({ context });

/**
 * The exec machine's lifecycle without its process: the process's doings are plain events, so
 * `createTestModel` can walk it. Spawning is left by the spawn or its failure (an abort cannot
 * come first: the spawn is reported while the actor starts); a kill always ends in `EXITED`.
 */
export const execLifecycle = setup({
  types: { context: {} as ExecModelContext, events: {} as ExecModelEvent },
  actions: {
    takeOutput: assign({ outputs: ({ context }) => Math.min(context.outputs + 1, 2) }),
  },
  guards: {
    turnOpen: ({ context }) => context.turn === "open",
    turnCompleted: ({ context }) => context.turn === "completed",
    stopRequested: ({ context }) => context.error === "AbortError",
  },
}).createMachine({
  id: "execLifecycle",
  context: { turn: "open", error: null, outputs: 0 },
  initial: "running",
  states: {
    running: {
      initial: "spawning",
      states: {
        spawning: {
          on: {
            SPAWNED: "streaming",
            SPAWN_FAILED: {
              target: "#execLifecycle.failed",
              actions: assign({ error: "SpawnError" }),
            },
          },
        },
        streaming: {
          on: {
            // An action (counting lines), so that `can()` offers the self-transition.
            OUTPUT: { guard: "turnOpen", actions: "takeOutput" },
            TURN_COMPLETED: { guard: "turnOpen", actions: assign({ turn: "completed" }) },
            TURN_FAILED: { guard: "turnOpen", actions: assign({ turn: "failed" }) },
            EXIT_0: [
              { guard: "turnCompleted", target: "#execLifecycle.completed" },
              { target: "#execLifecycle.failed", actions: assign({ error: exitError }) },
            ],
            CRASH: { target: "#execLifecycle.failed", actions: assign({ error: crashError }) },
            KILLED: { target: "#execLifecycle.failed", actions: assign({ error: exitError }) },
            GARBAGE: {
              guard: "turnOpen",
              target: "stopping",
              actions: assign({ error: "ProtocolError" }),
            },
            IDLE_TIMEOUT: {
              guard: "turnOpen",
              target: "stopping",
              actions: assign({ error: "IdleTimeoutError" }),
            },
            ABORT: { target: "stopping", actions: assign({ error: "AbortError" }) },
          },
        },
        stopping: {
          on: {
            EXITED: [
              { guard: "stopRequested", target: "#execLifecycle.aborted" },
              { target: "#execLifecycle.failed" },
            ],
          },
        },
      },
    },
    completed: { type: "final" },
    failed: { type: "final" },
    aborted: { type: "final" },
  },
});

/** The test model: only events the model takes in a state are offered there. */
export const execModel = createTestModel(execLifecycle, {
  filterEvents: (snapshot, event) => snapshot.can(event),
}) as unknown as LifecycleModel;

/** Whether an exec path has ended: the attempt reached a final state. */
export const execDone = (snapshot: AnyMachineSnapshot): boolean => snapshot.status === "done";

/** The idle timeout a path with `IDLE_TIMEOUT` runs with: long enough for node to start on a loaded machine. */
export const IDLE_TIMEOUT_MS = 3_000;

/** The lines `OUTPUT` prints, in turn; the last repeats. Only the first two move the lifecycle. */
const OUTPUTS: MockStep[] = [
  { threadStarted: true },
  { emit: { type: "turn.started" } },
  { emit: { type: "item.completed", item: { id: "m", type: "agent_message", text: "chunk" } } },
];
const LIFECYCLE_OUTPUTS = 2;
const LINE_GAP_MS = 15;
const USAGE = { input_tokens: 10, cached_input_tokens: 0, output_tokens: 2 };
const REJECTED = { type: "turn.failed", error: { message: "unexpected status 401 Unauthorized" } };

/** A mock-codex run of an exec path, and the stdout event each line-writing step prints. */
export type ExecScenario = {
  steps: MockStep[];
  /** For each path event (by index) that prints an event line: which stdout event it is. */
  lineOf: Map<number, number>;
  /**
   * The path events (by index) whose line moves nothing (an agent message): the exec machine
   * takes no step for it, and counts it with the next batch.
   */
  quiet: Set<number>;
  spawnFails: boolean;
  idleTimeoutMs?: number;
};

/** Translates a path into the mock-codex steps that make the real process do the same. */
export function execScenarioOf(events: EventObject[]): ExecScenario {
  const steps: MockStep[] = [];
  const lineOf = new Map<number, number>();
  const quiet = new Set<number>();
  let lines = 0;
  let outputs = 0;
  // Each line its own stdout chunk (a pause after it), as when codex writes events apart.
  const line = (index: number, step: MockStep) => {
    lineOf.set(index, lines++);
    steps.push(step, { delayMs: LINE_GAP_MS });
  };
  let ends = false;
  events.forEach((event, index) => {
    if (ends) return;
    if (event.type === "OUTPUT") {
      if (outputs >= LIFECYCLE_OUTPUTS) quiet.add(index);
      line(index, OUTPUTS[Math.min(outputs++, OUTPUTS.length - 1)]!);
    } else if (event.type === "TURN_COMPLETED")
      line(index, { emit: { type: "turn.completed", usage: USAGE } });
    else if (event.type === "TURN_FAILED") line(index, { emit: REJECTED });
    else if (event.type === "EXIT_0") steps.push({ exit: 0 });
    else if (event.type === "CRASH") steps.push({ exit: 1 });
    else if (event.type === "KILLED") steps.push({ signal: "SIGKILL" });
    else if (event.type === "GARBAGE") steps.push({ line: "this is not json\n" }, { hang: true });
    else if (event.type === "IDLE_TIMEOUT" || event.type === "ABORT") steps.push({ hang: true });
    ends = steps.some((step) => "exit" in step || "signal" in step || "hang" in step);
  });
  return {
    steps,
    lineOf,
    quiet,
    spawnFails: events.some((event) => event.type === "SPAWN_FAILED"),
    ...(events.some((event) => event.type === "IDLE_TIMEOUT")
      ? { idleTimeoutMs: IDLE_TIMEOUT_MS }
      : {}),
  };
}

/** The outcome the model predicts: a resolved turn, or the name of the error it rejects with. */
export function expectedExecOutcome(final: AnyMachineSnapshot): string {
  if (final.matches("completed")) return "resolved";
  if (final.matches("aborted")) return "AbortError";
  return (final.context as ExecModelContext).error ?? "an error";
}
