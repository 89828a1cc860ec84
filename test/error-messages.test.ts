import { describe, expect, it } from "@jest/globals";
import { inspect } from "node:util";
import {
  AppServerClosedError,
  AppServerRequestError,
  Codex,
  CodexExitError,
  InternalError,
  InvalidOptionError,
  TurnFailedError,
} from "../src/index.js";
import { reply, startModelStandIn } from "../src/testing/index.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { atTeardown } from "./support/rig-registry.js";

// What a user reads of an error: its message and what `console.log(error)` prints. Neither shows
// a field that was never set (`notRetried: undefined`), and an exit's message quotes only the
// stderr lines that explain it (codex's start-up warning is not a reason).

const WARNING = "WARNING: proceeding, even though we could not create PATH aliases";

describe("printing an error", () => {
  it.each([
    ["InvalidOptionError", new InvalidOptionError("model", "must be a non-empty string")],
    ["TurnFailedError", new TurnFailedError("We're currently experiencing high demand")],
    ["CodexExitError", new CodexExitError(1, null, "boom")],
    ["InternalError without a prior failure", new InternalError("inspect", new Error("oops"))],
    ["AppServerClosedError without a method", new AppServerClosedError("stdout ended")],
    ["AppServerRequestError without data", new AppServerRequestError("turn/start", -32600, "no")],
  ])("%s: inspect and the message never print `undefined`", (_, error) => {
    expect(inspect(error)).not.toContain("undefined");
    expect(String(error)).not.toContain("undefined");
    expect(JSON.stringify(error)).not.toContain("undefined");
  });

  it("fields that are set are printed", () => {
    const error = new InvalidOptionError("model", "must be a non-empty string");
    error.notRetried = "an invalid option is never restarted";
    expect(inspect(error)).toContain("notRetried: 'an invalid option is never restarted'");
    const internal = new InternalError("inspect", new Error("oops"), error);
    expect(internal.failure).toBe(error);
    expect(inspect(internal)).toContain("failure: InvalidOptionError");
    expect(new AppServerClosedError("stdout ended", "turn/start").method).toBe("turn/start");
    expect(new AppServerRequestError("turn/start", 1, "no", { x: 1 }).data).toEqual({ x: 1 });
  });
});

describe("an exit's message quotes the stderr that explains it", () => {
  it("drops codex's start-up noise from a non-zero exit, keeps its reason", () => {
    const error = new CodexExitError(1, null, `${WARNING}\nReading prompt from stdin...\nboom\n`);
    expect(error.message).toBe("codex exited with code 1 before the turn ended: boom");
    expect(error.stderrTail).toContain(WARNING); // the whole tail stays on the error
  });

  it("a signal's message quotes only error lines", () => {
    expect(new CodexExitError(null, "SIGKILL", `${WARNING}\nthinking…\n`).message).toBe(
      "codex was killed by SIGKILL before the turn ended.",
    );
    expect(
      new CodexExitError(null, "SIGABRT", `${WARNING}\nthread 'main' panicked at x.rs:1\n`).message,
    ).toBe("codex was killed by SIGABRT before the turn ended: thread 'main' panicked at x.rs:1");
  });

  it("on the real binary: codex SIGKILLed mid-turn fails with a message of the kill alone", async () => {
    const standIn = await startModelStandIn([reply.hang()], {
      env: hermeticEnv(),
      onRequest: () => void standIn.killCodex(),
    });
    atTeardown("the stand-in", () => standIn.close());
    const codex = new Codex({ ...standIn.codexOptions, supervision: false });
    atTeardown("the Codex", () => codex.shutdown({ timeoutMs: 0 }));

    const failure = await codex
      .startThread({ ...standIn.threadOptions })
      .run("go")
      .then(
        () => null,
        (error: unknown) => error,
      );

    expect(failure).toBeInstanceOf(CodexExitError);
    expect((failure as CodexExitError).message).toBe(
      "codex was killed by SIGKILL before the turn ended.",
    );
  });
});
