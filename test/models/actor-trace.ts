import type { AnyEventObject, AnyMachineSnapshot, InspectionEvent } from "xstate";
import { stateName } from "../../src/machines/snapshot-tree.js";

/** One microstep a real actor took: the event, and its state value before and after. */
export type TraceStep = {
  /** The actor's session id: each attempt's exec actor is a new one. */
  actor: string;
  event: AnyEventObject;
  from: string;
  to: string;
  snapshot: AnyMachineSnapshot;
};

const WAIT_MS = 10_000;

/**
 * Records, through xstate's `inspect`, every microstep of the actors of one machine (by its id),
 * in order; `next` walks it with a cursor, waiting for steps that have not happened yet.
 */
export class ActorTrace {
  readonly steps: TraceStep[] = [];
  private cursor = 0;
  private readonly current = new Map<string, string>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly machineId: string) {}

  /** Hand this to `CodexOptions.inspect`. */
  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== "@xstate.snapshot" && event.type !== "@xstate.microstep") return;
    const snapshot = event.snapshot as AnyMachineSnapshot;
    if (snapshot.machine?.id !== this.machineId) return;
    const actor = event.actorRef.sessionId;
    const to = stateName(snapshot.value);
    const isInit = event.type === "@xstate.snapshot" && event.event.type === "xstate.init";
    if (event.type === "@xstate.snapshot" && !isInit) return;
    const from = this.current.get(actor) ?? "(none)";
    this.current.set(actor, to);
    this.steps.push({ actor, event: event.event, from, to, snapshot });
    for (const wake of this.waiters) wake();
  };

  /** The actor of the latest `xstate.init`: the exec actor of the attempt in hand. */
  latestActor(): string | undefined {
    return this.steps.findLast((step) => step.event.type === "xstate.init")?.actor;
  }

  /**
   * The next step (from the cursor) that `matches`, once it happened; the cursor moves past it.
   * The steps skipped on the way must not change state: the real actor may not take a turn the
   * model does not.
   */
  async next(what: string, matches: (step: TraceStep) => boolean): Promise<TraceStep> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      for (let i = this.cursor; i < this.steps.length; i++) {
        const step = this.steps[i]!;
        if (matches(step)) {
          this.cursor = i + 1;
          return step;
        }
        if (step.from !== step.to && step.event.type !== "xstate.init") {
          throw new Error(`expected ${what}, but the real actor went first\n${this.describe(i)}`);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}\n${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, left);
        function wake() {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        }
        const waiters = this.waiters;
        waiters.add(wake);
      });
    }
  }

  /** The state values the actor went through, consecutive repeats collapsed. */
  valuesOf(actor: string): string[] {
    const values: string[] = [];
    for (const step of this.steps) {
      if (step.actor === actor && values.at(-1) !== step.to) values.push(step.to);
    }
    return values;
  }

  /** The trace as text, the step at `mark` flagged: for failure messages. */
  describe(mark = -1): string {
    return this.steps
      .map(
        (step, i) =>
          `${i === mark ? ">" : " "} ${step.actor} ${step.event.type}: ${step.from} -> ${step.to}`,
      )
      .join("\n");
  }
}

/** Every pid of a run: codex processes the exec actors spawned, and children mock-codex started. */
export function pidsOf(
  records: Array<{ pid?: number; spawned?: number }>,
  execTrace: ActorTrace,
): number[] {
  const pids = new Set<number>();
  for (const record of records)
    for (const pid of [record.pid, record.spawned]) if (pid) pids.add(pid);
  for (const { event } of execTrace.steps) {
    if (event.type === "codex.spawned" && typeof event.pid === "number") pids.add(event.pid);
  }
  return [...pids];
}
