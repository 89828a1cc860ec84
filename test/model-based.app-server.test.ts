import { describeLifecycle } from "./models/lifecycle-suite.js";
import { serverDone, serverLifecycle, serverModel } from "./models/server-lifecycle.model.js";
import { runServerPath } from "./models/server-harness.js";
import { turnDone, turnLifecycle, turnModel } from "./models/turn-lifecycle.model.js";
import { runTurnPath } from "./models/turn-harness.js";

// Model-based tests of the app-server transport: abstract lifecycles of its turn and server
// machines, paths covering every state and transition of each, every path run against the real
// actors over the fake app-server (scripts/fake-app-server).

describeLifecycle("the app-server turn machine against its model", {
  name: "app-server turn lifecycle",
  model: turnModel,
  lifecycle: turnLifecycle,
  isDone: turnDone,
  run: runTurnPath,
});

describeLifecycle("the app-server server machine against its model", {
  name: "app-server server lifecycle",
  model: serverModel,
  lifecycle: serverLifecycle,
  isDone: serverDone,
  run: runServerPath,
});
