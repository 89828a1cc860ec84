import { afterEach, describe, expect, it } from "@jest/globals";
import { InternalError } from "../src/index.js";
import { faultSeam } from "../src/supervision/fault-seam.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";
import { settledWithin } from "./support/deadlines.js";
import { eventually, isAlive } from "./support/processes.js";

/*
 * A Codex whose root supervisor is gone (stopped by hand, or ended by a fault of its own) cannot
 * take threads: what the facade then does with a new thread and with a thread it already has.
 * And a thread actor that faults: what becomes of its turns and of the slot it held.
 */

const turn: MockStep[] = [{ turn: "done" }];
const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];

/** The error `act` throws, failing the test if it throws nothing. */
function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw, nothing was thrown");
}

afterEach(() => {
  faultSeam.beforeAction = undefined;
});

describe("a Codex whose root supervisor is no longer running", () => {
  it("a fault of the root: startThread() throws InternalError whose cause is that fault", () => {
    const fault = new Error("injected fault in an action of the root");
    let armed = false;
    faultSeam.beforeAction = (event) => {
      if (armed && event.actorRef === codex.actor) throw fault;
    };
    const { codex } = mockCodex(turn);
    faultSeam.beforeAction = undefined;
    armed = true;
    const error = thrownBy(() => codex.startThread());
    expect(error).toBeInstanceOf(InternalError);
    expect((error as InternalError).where).toBe("the Codex root supervisor");
    // Compared by identity: the root's own error, not a stand-in.
    expect((error as InternalError).cause === fault).toBe(true);
    expect(codex.actor.getSnapshot().status).toBe("error");
  });

  it("codex.actor.stop(): startThread() throws InternalError saying the root stopped", () => {
    const { codex } = mockCodex(turn);
    codex.actor.stop();
    const error = thrownBy(() => codex.resumeThread("0199a213-81c0-7800-8aa1-bbab2a035a53"));
    expect(error).toBeInstanceOf(InternalError);
    expect(((error as InternalError).cause as Error).message).toBe("it stopped");
  });

  it("codex.actor.stop(): a thread made before it rejects its next turn, typed", async () => {
    const { codex } = mockCodex(turn);
    const thread = codex.startThread();
    codex.actor.stop();
    const outcome = await settledWithin(
      thread.run("hi").then(
        () => "resolved",
        (error: unknown) => error,
      ),
      10_000,
    );
    expect(outcome).toBeInstanceOf(InternalError);
  });
});

describe("a thread actor that faults while it holds the one concurrency slot", () => {
  it("fails its running and queued turns with InternalError, kills its codex, and hands the slot to the waiting thread", async () => {
    const fault = new Error("injected fault in the thread actor");
    // Throws once, in the first action of the armed actor.
    const armed: { actor?: unknown } = {};
    faultSeam.beforeAction = (event) => {
      if (armed.actor === undefined || event.actorRef !== armed.actor) return;
      armed.actor = undefined;
      throw fault;
    };
    const rig = mockCodex(
      { attempts: [[...started, { hang: true }], [{ turn: "other" }]] },
      { maxConcurrentTurns: 1, supervision: false },
    );
    faultSeam.beforeAction = undefined;
    const thread = rig.codex.startThread();
    const running = thread.run("running");
    const queued = thread.run("queued");
    const controller = new AbortController();
    const aborted = thread.run("aborted", { signal: controller.signal });
    await eventually(() => rig.records().length > 0, "the running turn's codex");
    const other = rig.codex
      .startThread()
      .run("other")
      .catch((error: unknown) => error);
    await eventually(
      () => JSON.stringify(rig.codex.getSnapshot()).includes("acquiring"),
      "the other thread to wait for the slot",
    );
    armed.actor = thread.actor;
    controller.abort(); // the thread actor faults refusing the aborted turn
    const outcomes = await settledWithin(Promise.allSettled([running, queued, aborted]), 10_000);
    expect(outcomes).toMatchObject([
      { status: "rejected", reason: { name: "InternalError", cause: fault } },
      { status: "rejected", reason: { name: "InternalError", cause: fault } },
      { status: "rejected", reason: { name: "InternalError", cause: fault } },
    ]);
    expect(await settledWithin(other, 10_000)).toMatchObject({
      finalResponse: "other",
    });
    expect(rig.records().flatMap((r) => (r.stdin ? [r.stdin] : []))).toEqual(["running", "other"]);
    const first = rig.records()[0]!.pid!;
    await eventually(() => !isAlive(first), "the faulted thread's codex to be killed");
  });
});

describe("a thread actor whose every action faults, its stop included", () => {
  it("still has its codex killed: its turns fail with InternalError and no process is left", async () => {
    const fault = new Error("a fault in every action of the thread actor");
    const armed: { actor?: unknown } = {};
    faultSeam.beforeAction = (event) => {
      if (armed.actor !== undefined && event.actorRef === armed.actor) throw fault;
    };
    const rig = mockCodex({ attempts: [[...started, { hang: true }]] }, { supervision: false });
    faultSeam.beforeAction = undefined;
    const thread = rig.codex.startThread();
    const running = thread.run("running");
    const controller = new AbortController();
    const queued = thread.run("queued", { signal: controller.signal });
    await eventually(() => rig.records().length > 0, "the running turn's codex");
    armed.actor = thread.actor;
    controller.abort();
    const outcomes = await settledWithin(Promise.allSettled([running, queued]), 10_000);
    expect(outcomes).toMatchObject([
      { status: "rejected", reason: { name: "InternalError" } },
      { status: "rejected", reason: { name: "InternalError" } },
    ]);
    const pid = rig.records()[0]!.pid!;
    await eventually(() => !isAlive(pid), "the faulted thread's codex to be killed");
  });
});
