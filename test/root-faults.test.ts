import { afterEach, describe, expect, it } from "@jest/globals";
import { InternalError } from "../src/index.js";
import { faultSeam } from "../src/supervision/fault-seam.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";
import { settledWithin } from "./support/deadlines.js";

/*
 * A Codex whose root supervisor is gone (stopped by hand, or ended by a fault of its own) cannot
 * take threads: what the facade then does with a new thread and with a thread it already has.
 */

const turn: MockStep[] = [{ turn: "done" }];

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
