import { describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { hang, httpError, message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { eventually, isAlive, pidRecorder, processesMatching } from "./support/processes.js";
import { realCodex, type RealCodexRig } from "./support/real-codex.js";
import { atTeardown } from "./support/rig-registry.js";

const HOST = fileURLToPath(new URL("./fixtures/host.mjs", import.meta.url));
const fast = { backoff: { initialMs: 10, jitter: false } };

/** Runs the host program in the rig's environment; it is killed after the test if still alive. */
function startHost(rig: RealCodexRig, mode: "one-turn" | "long-command") {
  const host = spawn(process.execPath, [HOST, rig.standIn.url, rig.workdir, mode], {
    env: rig.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  atTeardown("the host process", () => host.kill("SIGKILL"));
  return host;
}

describe("supervision on the real codex binary", () => {
  it("does not restart a turn.failed by default: codex already retried it (one process)", async () => {
    const rig = await realCodex([httpError(500), reply(message("never"))], { supervision: fast });
    await expect(rig.startThread().run("hi")).rejects.toMatchObject({
      name: "TurnFailedError",
      notRetried: expect.stringContaining("restartServiceFailures"),
    });
    expect(rig.standIn.requests).toHaveLength(1);
  });

  it("with restartServiceFailures, restarts through two HTTP 500s and succeeds on the third attempt", async () => {
    const rig = await realCodex(
      [httpError(500), httpError(500), reply(message("third time lucky"))],
      { supervision: { ...fast, restartServiceFailures: true } },
    );
    const thread = rig.startThread();
    const turn = await thread.run("hi");
    expect(turn.finalResponse).toBe("third time lucky");
    expect(turn.attempts).toBe(3);
    expect(rig.standIn.requests).toHaveLength(3);
    const threadIds = rig.standIn.requests.map((request) => request.headers["thread-id"]);
    expect(new Set(threadIds)).toEqual(new Set([thread.id]));
  });

  it("does not restart an HTTP 401, even with restartServiceFailures: one attempt, rejected with the service's message", async () => {
    const rig = await realCodex(
      [httpError(401, "Incorrect API key provided"), reply(message("never"))],
      { supervision: { ...fast, restartServiceFailures: true } },
    );
    await expect(rig.startThread().run("hi")).rejects.toMatchObject({
      name: "TurnFailedError",
      message: expect.stringContaining("Incorrect API key provided"),
      notRetried: "the failure is not transient",
    });
    expect(rig.standIn.requests).toHaveLength(1);
  });

  it("kills an attempt whose model hangs after idleTimeoutMs and succeeds on the restart", async () => {
    const rig = await realCodex([hang(), reply(message("awake again"))], { supervision: fast });
    const recorder = pidRecorder();
    const thread = rig.startThread(rig.makeCodex({ supervision: fast, inspect: recorder.inspect }));
    // Generous: the restarted codex must print within it even on a loaded machine.
    const turn = await thread.run("hi", { idleTimeoutMs: 3_000 });
    expect(turn.finalResponse).toBe("awake again");
    expect(turn.attempts).toBe(2);
    expect(recorder.pids.size).toBe(2);
    for (const pid of recorder.pids) expect(isAlive(pid)).toBe(false);
  });

  it("shutdown with three long turns running leaves no codex and no command alive", async () => {
    const command = "sleep 305.5";
    const rig = await realCodex([], {});
    for (let i = 0; i < 3; i++) rig.standIn.enqueue(reply(shellCommand(command)));
    const recorder = pidRecorder();
    const codex = rig.makeCodex({ inspect: recorder.inspect });
    const turns = [0, 1, 2].map(() =>
      rig
        .startThread(codex)
        .run("run it")
        .catch((e: unknown) => e),
    );
    await eventually(() => processesMatching(command).length === 3, "three commands", 15_000);

    await codex.shutdown({ timeoutMs: 100 });

    expect(recorder.pids.size).toBe(3);
    for (const pid of recorder.pids) expect(isAlive(pid)).toBe(false);
    expect(processesMatching(command)).toEqual([]);
    for (const outcome of await Promise.all(turns))
      expect(outcome).toMatchObject({ name: "ShutdownError" });
  });
});

describe("the host process", () => {
  it("killed with SIGKILL while codex runs a command, takes codex and the command with it", async () => {
    const command = "sleep 306.5";
    const rig = await realCodex([reply(shellCommand(command)), reply(message("never"))]);
    const host = startHost(rig, "long-command");
    const lines = createInterface({ input: host.stdout! });
    let codexPid = 0;
    for await (const line of lines) {
      codexPid = (JSON.parse(line) as { codexPid: number }).codexPid;
      break;
    }
    await eventually(() => processesMatching(command).length === 1, "the command", 10_000);

    host.kill("SIGKILL");
    await eventually(
      () => !isAlive(codexPid) && processesMatching(command).length === 0,
      "the orphans to die",
      10_000,
    );
  });

  it("runs one turn without calling shutdown() and still exits by itself", async () => {
    const rig = await realCodex([reply(message("bye"))]);
    const host = startHost(rig, "one-turn");
    let output = "";
    host.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => host.on("exit", resolve));
    expect(code).toBe(0);
    expect(JSON.parse(output)).toEqual({ finalResponse: "bye" });
  });
});
