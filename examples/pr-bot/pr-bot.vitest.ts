// The PR bot's model-based test with Vitest: the same loop as pr-bot.test.ts (Jest), since
// codex-actors/testing calls no test framework.
import { describe, expect, it } from "vitest";
import {
  expectNoCodexProcesses,
  turnPathCoverage,
  turnPaths,
  type TurnPath,
} from "codex-actors/testing";
import { fixTheBuild } from "./pr-bot.js";

const paths = turnPaths();
const passed: TurnPath[] = [];

describe("the PR bot, on every path of its turn (Vitest)", () => {
  it.each(paths.map((path) => [path.description, path] as const))("%s", async (_, path) => {
    const run = await path.start();
    const opened: string[] = [];
    let held = false;
    try {
      const result = await fixTheBuild({
        codex: run.codex,
        forge: { openPullRequest: async (title) => void opened.push(title) },
        lock: {
          acquire: async () => void (held = true),
          release: async () => void (held = false),
        },
        threadOptions: run.threadOptions,
        turnOptions: run.turnOptions,
      });
      const completed = path.expected.outcome === "completed";
      expect(result).toBe(completed ? "opened" : "not-opened");
      expect(opened).toHaveLength(completed ? 1 : 0);
      expect(held).toBe(false);
    } finally {
      await run.close();
    }
    await expectNoCodexProcesses();
    passed.push(path);
  });

  it("covered every state of the turn lifecycle", () => {
    const coverage = turnPathCoverage(passed);
    expect(coverage.states.covered.size).toBe(coverage.states.all.size);
  });
});
