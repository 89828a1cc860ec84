import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execDone, execLifecycle, execModel } from "./models/exec-lifecycle.model.js";
import { runExecPath } from "./models/exec-harness.js";
import {
  coverageOf,
  coverageTable,
  coveringPaths,
  eventsOf,
  type LifecyclePath,
} from "./models/path-coverage.js";
import { threadDone, threadLifecycle, threadModel } from "./models/thread-lifecycle.model.js";
import { runThreadPath } from "./models/thread-harness.js";
import { turnDone, turnLifecycle, turnModel } from "./models/turn-lifecycle.model.js";
import { runTurnPath } from "./models/turn-harness.js";
import { serverDone, serverLifecycle, serverModel } from "./models/server-lifecycle.model.js";
import { runServerPath } from "./models/server-harness.js";

// Model-based tests: abstract lifecycles of the exec and thread machines and of the app-server's
// turn and server machines (no invoke, no timers, so `createTestModel` can walk them), paths
// covering every state and transition of each, and every path run against the real actors over
// mock-codex (exec) or the fake app-server (app-server).

const named = (paths: LifecyclePath[]) =>
  paths.map(
    (p) =>
      [
        eventsOf(p)
          .map((e) => e.type)
          .join(" → "),
        p,
      ] as const,
  );

describe("the exec machine against its model", () => {
  const paths = coveringPaths(execModel, execDone);
  const passed: LifecyclePath[] = [];
  let dir: string;
  let notExecutable: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "codex-actors-model-"));
    notExecutable = path.join(dir, "codex");
    writeFileSync(notExecutable, "not executable", { mode: 0o644 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(named(paths))("%s", async (_, p) => {
    await runExecPath(p, notExecutable);
    passed.push(p);
  });

  it("ran paths covering every state and every transition of the model", () => {
    const coverage = coverageOf(execModel, execLifecycle, passed);
    console.log(coverageTable("exec lifecycle", coverage));
    for (const part of [coverage.states, coverage.transitions, coverage.edges]) {
      expect([...part.all].filter((x) => !part.covered.has(x))).toEqual([]);
    }
  });
});

describe("the thread machine against its model", () => {
  const paths = coveringPaths(threadModel, threadDone);
  const passed: LifecyclePath[] = [];

  it.each(named(paths))("%s", async (_, p) => {
    await runThreadPath(p);
    passed.push(p);
  });

  it("ran paths covering every state and every transition of the model", () => {
    const coverage = coverageOf(threadModel, threadLifecycle, passed);
    console.log(coverageTable("thread lifecycle", coverage));
    for (const part of [coverage.states, coverage.transitions, coverage.edges]) {
      expect([...part.all].filter((x) => !part.covered.has(x))).toEqual([]);
    }
  });
});

describe("the app-server turn machine against its model", () => {
  const paths = coveringPaths(turnModel, turnDone);
  const passed: LifecyclePath[] = [];

  it.each(named(paths))("%s", async (_, p) => {
    await runTurnPath(p);
    passed.push(p);
  });

  it("ran paths covering every state and every transition of the model", () => {
    const coverage = coverageOf(turnModel, turnLifecycle, passed);
    console.log(coverageTable("app-server turn lifecycle", coverage));
    for (const part of [coverage.states, coverage.transitions, coverage.edges]) {
      expect([...part.all].filter((x) => !part.covered.has(x))).toEqual([]);
    }
  });
});

describe("the app-server server machine against its model", () => {
  const paths = coveringPaths(serverModel, serverDone);
  const passed: LifecyclePath[] = [];

  it.each(named(paths))("%s", async (_, p) => {
    await runServerPath(p);
    passed.push(p);
  });

  it("ran paths covering every state and every transition of the model", () => {
    const coverage = coverageOf(serverModel, serverLifecycle, passed);
    console.log(coverageTable("app-server server lifecycle", coverage));
    for (const part of [coverage.states, coverage.transitions, coverage.edges]) {
      expect([...part.all].filter((x) => !part.covered.has(x))).toEqual([]);
    }
  });
});
