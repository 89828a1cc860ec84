import { afterAll, beforeAll } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execDone, execLifecycle, execModel } from "./models/exec-lifecycle.model.js";
import { runExecPath } from "./models/exec-harness.js";
import { describeLifecycle } from "./models/lifecycle-suite.js";
import { threadDone, threadLifecycle, threadModel } from "./models/thread-lifecycle.model.js";
import { runThreadPath } from "./models/thread-harness.js";

// Model-based tests of the exec transport: abstract lifecycles of the exec and thread machines
// (no invoke, no timers, so `createTestModel` can walk them), paths covering every state and
// transition of each, every path run against the real actors over mock-codex. The app-server's
// are in model-based.app-server.test.ts.

let dir: string;
let notExecutable: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "codex-actors-model-"));
  notExecutable = path.join(dir, "codex");
  writeFileSync(notExecutable, "not executable", { mode: 0o644 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeLifecycle("the exec machine against its model", {
  name: "exec lifecycle",
  model: execModel,
  lifecycle: execLifecycle,
  isDone: execDone,
  run: (p) => runExecPath(p, notExecutable),
});

describeLifecycle("the thread machine against its model", {
  name: "thread lifecycle",
  model: threadModel,
  lifecycle: threadLifecycle,
  isDone: threadDone,
  run: runThreadPath,
});
