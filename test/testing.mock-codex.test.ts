import { describe, expect, it } from "@jest/globals";
import { existsSync } from "node:fs";
import { Codex, type CodexOptions } from "../src/index.js";
import {
  expectNoCodexProcesses,
  mockCodex,
  mockScenario,
  type MockCodexScenario,
} from "../src/testing/index.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { atTeardown } from "./support/rig-registry.js";

// The kit's mock-codex (codex-actors/testing): each typed scenario ends a turn the way the real
// binary would if it crashed, was killed, printed garbage, flooded or hung.

function mocked(scenario: MockCodexScenario, options: CodexOptions = {}) {
  const mock = mockCodex(scenario, { env: hermeticEnv() });
  atTeardown("the kit's mock-codex", () => mock.close());
  const codex = new Codex({ ...mock.codexOptions, supervision: false, ...options });
  atTeardown("a Codex on mock-codex", () => codex.shutdown({ timeoutMs: 0 }));
  const run = (turnOptions = {}) =>
    codex
      .startThread({ skipGitRepoCheck: true })
      .run("go", turnOptions)
      .then(
        (turn) => ({ turn, error: undefined }),
        (error: Error) => ({ turn: undefined, error }),
      );
  return { mock, codex, run };
}

describe("mockCodex: typed scenarios", () => {
  it("completes, crashAt, signalAt and garbage end the turn as a real binary's would", async () => {
    expect((await mocked(mockScenario.completes("fine")).run()).turn?.finalResponse).toBe("fine");
    const crashed = await mocked(mockScenario.crashAt("after-turn-started", 3)).run();
    expect(crashed.error).toMatchObject({ name: "CodexExitError", exitCode: 3 });
    const killed = await mocked(mockScenario.signalAt("after-thread-started", "SIGKILL")).run();
    expect(killed.error).toMatchObject({ name: "CodexExitError", signal: "SIGKILL" });
    const garbage = await mocked(mockScenario.garbage("not json\n")).run();
    expect(garbage.error?.name).toBe("ProtocolError");
  });

  it("flood: every item arrives; hangAt: the idle bound ends it", async () => {
    const flood = await mocked(mockScenario.flood(500, 50)).run();
    expect(flood.turn?.items).toHaveLength(500);
    const hung = await mocked(mockScenario.hangAt("after-turn-started")).run({
      idleTimeoutMs: 500,
    });
    expect(hung.error?.name).toBe("IdleTimeoutError");
  });

  it("failingFirst: a crash restarted, then a success; runs() records both runs", async () => {
    const { mock, run } = mocked(
      mockScenario.failingFirst(1, mockScenario.signalAt("after-thread-started"), [
        { turn: "second time lucky" },
      ]),
      { supervision: { backoff: { initialMs: 1, jitter: false } } },
    );
    const { turn } = await run();
    expect(turn).toMatchObject({ finalResponse: "second time lucky", attempts: 2 });
    expect(mock.runs().filter((r) => r.pid !== undefined)).toHaveLength(2);
  });

  it("close() kills what is left and removes its folder", async () => {
    const mock = mockCodex(mockScenario.hangAt("after-turn-started"));
    const codex = new Codex({ ...mock.codexOptions, supervision: false });
    const running = codex
      .startThread({ skipGitRepoCheck: true })
      .run("hang")
      .catch((error: Error) => error);
    while (mock.runs().length === 0) await new Promise((r) => setTimeout(r, 20));
    await mock.close();
    expect(((await running) as Error).name).toBe("CodexExitError");
    await codex.shutdown();
    await expectNoCodexProcesses();
    expect(existsSync(mock.workdir)).toBe(false);
  });
});
