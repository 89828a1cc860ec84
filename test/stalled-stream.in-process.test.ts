import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { within } from "./support/deadlines.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";

/*
 * The stalled-stream warning, watched in this process (test/stalled-stream.test.ts watches it from
 * outside, on the built package): one warning per stalled stream, however many turns wait on it.
 */

const longTurn: MockStep[] = [
  { threadStarted: true },
  { emit: { type: "turn.started" } },
  { flood: { count: 5_000, bytes: 200 } },
  { turn: "long" },
];

/** The codes of the codex-actors warnings `process.emitWarning` was called with. */
function warningCodes(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls
    .map(([, options]) => String((options as { code?: unknown } | undefined)?.code))
    .filter((code) => code.startsWith("CODEX_ACTORS"));
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe("turns queued behind a stream nobody reads (in this process)", () => {
  it("emit one CODEX_ACTORS_STALLED_STREAM warning between them; reading on lets every turn finish", async () => {
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const rig = mockCodex(
      { attempts: [longTurn, [{ turn: "second" }], [{ turn: "third" }]] },
      { stalledStreamWarningMs: 200 },
    );
    const thread = rig.codex.startThread();
    const { events } = await thread.runStreamed("stream");
    await events.next();
    const second = thread.run("then this");
    const third = thread.run("and this");
    await within(
      new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (warningCodes(emitWarning).length === 0) return;
          clearInterval(poll);
          resolve();
        }, 20);
      }),
      10_000,
      "the stalled-stream warning",
    );
    let items = 0;
    for await (const event of events) if (event.type === "item.completed") items++;
    expect(items).toBe(5_001);
    await expect(within(second, 10_000, "the second turn")).resolves.toMatchObject({
      finalResponse: "second",
    });
    await expect(within(third, 10_000, "the third turn")).resolves.toMatchObject({
      finalResponse: "third",
    });
    expect(warningCodes(emitWarning)).toEqual(["CODEX_ACTORS_STALLED_STREAM"]);
  });
});
