import { describe, expect, it } from "@jest/globals";
import { hang, message, reply } from "../src/model-stand-in/index.js";
import { AppServerClosedError } from "../src/types/app-server-errors.js";
import { fakeServerCodex } from "./support/fake-app-server.js";
import { threadAnswered, wholeTurn } from "./support/fake-turn-steps.js";
import { eventually, isAlive } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";

const quickRestarts = { backoff: { initialMs: 0, jitter: false } };

/** Collects the process warnings emitted while `run` runs. */
async function warningsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on("warning", onWarning);
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 50)); // warnings are emitted on next tick
  } finally {
    process.off("warning", onWarning);
  }
  return warnings;
}

describe("the app-server's lifecycle", () => {
  it("a server whose stdout closed while it runs on is killed and replaced: the turn restarts on a new one", async () => {
    const rig = fakeServerCodex(
      {
        runs: [
          [threadAnswered[0]!, { closeStdout: true }, { hang: true }],
          Array.from({ length: 13 }, () => wholeTurn("recovered")).flat(),
        ],
      },
      { supervision: quickRestarts },
    );
    const thread = rig.codex.startThread();
    let finalResponse: string | undefined;
    const warnings = await warningsDuring(async () => {
      ({ finalResponse } = await thread.run("hi"));
      for (let turn = 0; turn < 12; turn++) await thread.run("again");
    });
    expect(finalResponse).toBe("recovered");
    const pids = rig.serverPids();
    expect(pids).toHaveLength(2);
    expect(isAlive(pids[0]!)).toBe(false);
    expect(rig.codex.getSnapshot().server).toMatchObject({ pid: pids[1] });
    expect(warnings).toEqual([]);
  });

  it("the real server SIGKILLed under three concurrent turns: each restarts on one new server and succeeds", async () => {
    const concurrent = 3;
    const rig = await realCodex([
      ...Array.from({ length: concurrent }, () => hang()),
      ...Array.from({ length: concurrent }, () => reply(message("recovered"))),
    ]);
    const codex = rig.makeCodex({ transport: "app-server", supervision: quickRestarts });
    let killed: number | undefined;
    let results: Array<{ finalResponse: string; attempts?: number }> = [];
    const warnings = await warningsDuring(async () => {
      const turns = Array.from({ length: concurrent }, () => rig.startThread(codex).run("go"));
      await eventually(
        () => rig.standIn.requests.length === concurrent,
        "every model request",
        20_000,
      );
      killed = codex.getSnapshot().server!.pid!;
      process.kill(killed, "SIGKILL");
      results = await Promise.all(turns);
    });
    expect(results.map((result) => result.finalResponse)).toEqual(
      Array.from({ length: concurrent }, () => "recovered"),
    );
    expect(results.every((result) => result.attempts === 2)).toBe(true);
    const server = codex.getSnapshot().server!;
    expect(server.pid).not.toBe(killed);
    expect(server.restarts).toBe(1);
    expect(isAlive(killed!)).toBe(false);
    expect(warnings).toEqual([]);
  }, 60_000);

  it("a real server SIGSTOPped mid-turn misses its check after the idle timeout: it is killed and a new server finishes the turn", async () => {
    const rig = await realCodex([hang(), reply(message("recovered"))]);
    const codex = rig.makeCodex({
      transport: "app-server",
      supervision: quickRestarts,
      serverStartTimeoutMs: 5_000, // the bound of the check (and of the start, under load)
      killGraceMs: 500,
    });
    // Longer than a loaded machine takes from `turn.started` to the model request.
    const turn = await rig.startThread(codex).runStreamed("go", { idleTimeoutMs: 5_000 });
    let stopped: number | undefined;
    const types: string[] = [];
    for await (const event of turn.events) {
      types.push(event.type);
      if (event.type === "turn.started" && stopped === undefined) {
        await eventually(() => rig.standIn.requests.length === 1, "the model request", 10_000);
        stopped = codex.getSnapshot().server!.pid!;
        process.kill(stopped, "SIGSTOP");
      }
    }
    const result = await turn.result;
    expect(result.finalResponse).toBe("recovered");
    expect(types).toContain("turn.restarted");
    const server = codex.getSnapshot().server!;
    expect(server.pid).not.toBe(stopped);
    await eventually(() => !isAlive(stopped!), "the stopped server to be gone", 5_000);

    // The new server serves the next turn too.
    rig.standIn.enqueue(reply(message("next")));
    expect((await rig.startThread(codex).run("again")).finalResponse).toBe("next");
    expect(codex.getSnapshot().server!.pid).toBe(server.pid);
  }, 60_000);

  it("listThreads() on a real server SIGSTOPped: the server is checked, killed and replaced; the call rejects typed, the next one works", async () => {
    const rig = await realCodex([reply(message("first"))]);
    const codex = rig.makeCodex({
      transport: "app-server",
      serverStartTimeoutMs: 2_000, // the bound of the check
      killGraceMs: 500,
    });
    await rig.startThread(codex).run("go");
    const stopped = codex.getSnapshot().server!.pid!;
    process.kill(stopped, "SIGSTOP");
    // ANSWER_WATCH_MS (10 s) unanswered, then the check's 2 s, then the kill.
    const failed = await codex.listThreads().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(AppServerClosedError);
    await eventually(() => !isAlive(stopped), "the stopped server to be gone", 5_000);
    const page = await codex.listThreads();
    expect(page.threads.length).toBeGreaterThan(0);
    expect(codex.getSnapshot().server!.pid).not.toBe(stopped);
  }, 60_000);
});
