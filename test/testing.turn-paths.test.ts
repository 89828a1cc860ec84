import { describe, expect, it } from "@jest/globals";
import {
  expectNoCodexProcesses,
  turnPathCoverage,
  turnPaths,
  type TurnPath,
} from "../src/testing/index.js";
import { buggyPrBot, type BotWorld } from "./fixtures/buggy-pr-bot.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { atTeardown } from "./support/rig-registry.js";

// The kit's turn paths (codex-actors/testing): each path's scenario makes the real binary walk
// it (the turn ends as the lifecycle says, after one model request per attempt), and a sample
// app with a seeded bug on one path (it opens a pull request after RestartLimitError) is caught
// by turnPaths, on the paths that give up on restarts only.

const paths = turnPaths();
const ran: TurnPath[] = [];
const violations = new Map<string, string[]>();

/** The app's invariants: a PR only after a completed turn; the lock always released. */
function broken(world: BotWorld, path: TurnPath): string[] {
  const found: string[] = [];
  if (world.locked) found.push("the lock is still held");
  if (path.expected.outcome !== "completed" && world.pullRequests.length > 0)
    found.push(`a pull request was opened after a turn that ended ${path.expected.outcome}`);
  return found;
}

describe("turnPaths on the real binary, with a sample app whose bug hides on one path", () => {
  it.each(paths.map((path) => [path.description, path] as const))("%s", async (_, path) => {
    const run = await path.start({ env: hermeticEnv() });
    atTeardown("a turn path's run", () => run.close());
    const world: BotWorld = { locked: false, pullRequests: [], log: [] };
    await buggyPrBot(run.codex, run.threadOptions, run.turnOptions, world);

    expect(world.log).toEqual([path.expected.error ?? "completed"]);
    const requests = run.standIn.requests.length - (path.scenario.tripsBreaker ? 1 : 0);
    if (path.expected.outcome === "timedOut") expect(requests).toBeLessThanOrEqual(1);
    else expect(requests).toBe(path.expected.attempts);
    await run.close();
    await expectNoCodexProcesses();
    violations.set(path.description, broken(world, path));
    ran.push(path);
  });

  it("catches the seeded bug on the paths that give up on restarts, and on no other", () => {
    expect(violations.size).toBe(paths.length);
    const caught = [...violations].filter(([, found]) => found.length > 0).map(([name]) => name);
    const givingUp = paths.filter((p) => p.expected.outcome === "gaveUp").map((p) => p.description);
    expect(givingUp.length).toBeGreaterThan(0);
    expect(caught).toEqual(givingUp);
  });

  it("ran paths covering every state of the turn lifecycle", () => {
    const coverage = turnPathCoverage(ran);
    console.log(coverage.table);
    expect([...coverage.states.all].filter((s) => !coverage.states.covered.has(s))).toEqual([]);
  });
});

describe("turnPaths strategies", () => {
  it("simple and covering paths take every transition; each path ends settled", () => {
    for (const strategy of ["simple", "covering"] as const) {
      const found = turnPaths({ strategy });
      const coverage = turnPathCoverage(found);
      expect({
        strategy,
        missing: [...coverage.transitions.all].filter((t) => !coverage.transitions.covered.has(t)),
      }).toEqual({ strategy, missing: [] });
      expect(found.every((p) => p.graphPath.state.status === "done")).toBe(true);
    }
    const outcomes = new Set(turnPaths().map((p) => p.expected.outcome));
    expect([...outcomes].sort()).toEqual(
      ["aborted", "completed", "escalated", "failed", "gaveUp", "shutDown", "timedOut"].sort(),
    );
  });
});
