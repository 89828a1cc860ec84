import { describe, expect, it } from "@jest/globals";
import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import {
  coverageOf,
  coverageTable,
  coveringPaths,
  eventsOf,
  type LifecycleModel,
  type LifecyclePath,
} from "../../src/testing/path-coverage.js";

/** One lifecycle under model-based test: its model, when a path is done, how to run a path. */
export type LifecycleUnderTest = {
  /** How the coverage table names it, e.g. "exec lifecycle". */
  name: string;
  model: LifecycleModel;
  lifecycle: AnyStateMachine;
  isDone: (snapshot: AnyMachineSnapshot) => boolean;
  /** Runs one path against the real actors; throws when they part from the model. */
  run: (path: LifecyclePath) => Promise<void>;
};

/**
 * A test per path covering the model (named by its events), each run against the real actors,
 * then a test that the paths that passed cover every state, transition and edge of the model.
 */
export function describeLifecycle(title: string, subject: LifecycleUnderTest): void {
  describe(title, () => {
    const passed: LifecyclePath[] = [];
    const named = coveringPaths(subject.model, subject.isDone).map(
      (p) =>
        [
          eventsOf(p)
            .map((e) => e.type)
            .join(" → "),
          p,
        ] as const,
    );

    it.each(named)("%s", async (_, p) => {
      await subject.run(p);
      passed.push(p);
    });

    it("ran paths covering every state and every transition of the model", () => {
      const coverage = coverageOf(subject.model, subject.lifecycle, passed);
      console.log(coverageTable(subject.name, coverage));
      for (const part of [coverage.states, coverage.transitions, coverage.edges]) {
        expect([...part.all].filter((x) => !part.covered.has(x))).toEqual([]);
      }
    });
  });
}
