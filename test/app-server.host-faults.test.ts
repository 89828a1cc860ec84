import { describe, expect, it } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { FAKE_APP_SERVER, type FakeStep } from "./support/fake-app-server.js";
import { FAKE_THREAD, runningTurn, wholeTurn } from "./support/fake-turn-steps.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { startHost } from "./support/host.js";
import { realCodex } from "./support/real-codex.js";
import { atTeardown } from "./support/rig-registry.js";

// Faults of the app-server transport that, unhandled, end or hold the host process: seen from
// outside, on a host program of its own (test/fixtures), never by process.exit.

const FAKE_HOST = fileURLToPath(new URL("./fixtures/fake-server-host.mjs", import.meta.url));

/** How the host ended, and the JSON lines it reported. */
async function ending(host: ChildProcess) {
  let output = "";
  host.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => host.on("exit", resolve));
  const reports = output
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, reports };
}

/** Runs `turns` turns on the fake app-server playing `scenario`, in a host of their own. */
function fakeServerHost(scenario: FakeStep[], turns: number) {
  const host = spawn(process.execPath, [FAKE_HOST, FAKE_APP_SERVER, String(turns)], {
    env: hermeticEnv({ FAKE_APP_SERVER_SCENARIO: JSON.stringify(scenario) }),
    stdio: ["ignore", "pipe", "inherit"],
  });
  atTeardown("the fake-server host", () => host.kill("SIGKILL"));
  return host;
}

const turn = { threadId: FAKE_THREAD, turnId: "fake-turn" };

const MALFORMED: Array<[string, FakeStep]> = [
  [
    "thread/tokenUsage/updated without tokenUsage",
    { notify: { method: "thread/tokenUsage/updated", params: turn } },
  ],
  [
    "turn/completed without turn.items",
    {
      notify: {
        method: "turn/completed",
        params: { threadId: FAKE_THREAD, turn: { id: "fake-turn", status: "completed" } },
      },
    },
  ],
  ["item/completed without an item", { notify: { method: "item/completed", params: turn } }],
  [
    "an agentMessage whose text is not a string",
    {
      notify: {
        method: "item/completed",
        params: { ...turn, item: { type: "agentMessage", id: "msg-0", text: { parts: [] } } },
      },
    },
  ],
];

describe("a host on the app-server transport", () => {
  it.each(MALFORMED)(
    "%s: the turn fails with ProtocolError and is interrupted; the host lives on, the next turn completes",
    async (_label, malformed) => {
      const scenario = [
        ...runningTurn,
        malformed,
        { expect: "turn/interrupt" },
        { respond: {} },
        ...wholeTurn("next"),
      ];
      const { code, reports } = await ending(fakeServerHost(scenario, 2));
      expect(code).toBe(0);
      expect(reports).toEqual([
        {
          error: {
            name: "ProtocolError",
            kind: "protocol",
            message: expect.stringMatching(/stdout line \d+ \(.+: .+\)/),
          },
        },
        { finalResponse: "next" },
        { shutDown: true },
      ]);
    },
  );

  it("an approval left unanswered at abort and shutdown does not keep the host alive", async () => {
    const rig = await realCodex([reply(shellCommand("touch never.txt")), reply(message("never"))]);
    const host = startHost(rig, "abandoned-approval", "app-server");
    const exit = ending(host);
    // The host's approval timeout is ten minutes: only an exit on its own ends this in time.
    const { code, reports } = await exit;
    expect(reports).toEqual([{ turnError: "AbortError" }, { shutDown: true }]);
    expect(code).toBe(0);
  }, 30_000);
});
