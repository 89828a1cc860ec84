import { describe, expect, it } from "@jest/globals";
import { createInterface } from "node:readline";
import { hang, httpError, message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { eventually, isAlive, pidRecorder, processesMatching } from "./support/processes.js";
import { startHost } from "./support/host.js";
import { realCodex } from "./support/real-codex.js";

const fast = { backoff: { initialMs: 10, jitter: false } };

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
    const turn = await thread.run("hi", { idleTimeoutMs: 10_000 });
    expect(turn.finalResponse).toBe("awake again");
    expect(turn.attempts).toBe(2);
    expect(recorder.pids.size).toBe(2);
    for (const pid of recorder.pids) expect(isAlive(pid)).toBe(false);
  });

  it("a command that detaches into a session of its own, orphaned at once, does not outlive its completed turn", async () => {
    // Its shell exits at once: the sleep is no descendant of codex by the time anyone looks.
    const command = "setsid sleep 308.5 </dev/null >/dev/null 2>&1 & echo detached";
    const rig = await realCodex([reply(shellCommand(command)), reply(message("done"))]);
    const turn = await rig.startThread().run("run it");
    expect(turn.finalResponse).toBe("done");
    expect(turn.items).toContainEqual(
      expect.objectContaining({ type: "command_execution", exit_code: 0 }),
    );
    expect(processesMatching("sleep 308.5")).toEqual([]);
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

  it("killed with SIGKILL while codex runs a command, takes with it a command that detached into a session of its own", async () => {
    // Forked by a subshell that exits at once, the first sleep is orphaned: no descendant of codex.
    // (`$n`: the shell's own command line does not hold the sleeps' arguments.)
    const command = "n=309; (setsid sleep $n.5 </dev/null >/dev/null 2>&1 &); sleep $n.6";
    const rig = await realCodex([reply(shellCommand(command)), reply(message("never"))]);
    const host = startHost(rig, "long-command");
    const lines = createInterface({ input: host.stdout! });
    for await (const line of lines) if (line) break;
    await eventually(
      () =>
        processesMatching("sleep 309.5").length === 1 &&
        processesMatching("sleep 309.6").length === 1,
      "the commands",
      10_000,
    );

    host.kill("SIGKILL");
    await eventually(
      () => processesMatching("sleep 309.5").length + processesMatching("sleep 309.6").length === 0,
      "both commands to die",
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

  it("on the app-server transport, runs one turn without shutdown(), exits by itself, and leaves no server", async () => {
    const rig = await realCodex([reply(message("bye"))]);
    const host = startHost(rig, "one-turn", "app-server");
    let output = "";
    host.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => host.on("exit", resolve));
    expect(code).toBe(0);
    const { finalResponse, serverPid } = JSON.parse(output) as {
      finalResponse: string;
      serverPid: number;
    };
    expect(finalResponse).toBe("bye");
    expect(serverPid).toEqual(expect.any(Number));
    await eventually(() => !isAlive(serverPid), "the server to end", 10_000);
  });

  it("on the app-server transport, a host killed with SIGKILL takes the server and its command with it", async () => {
    const command = "sleep 307.5";
    const rig = await realCodex([reply(shellCommand(command)), reply(message("never"))]);
    const host = startHost(rig, "long-command", "app-server");
    const lines = createInterface({ input: host.stdout! });
    let serverPid = 0;
    for await (const line of lines) {
      serverPid = (JSON.parse(line) as { codexPid: number }).codexPid;
      break;
    }
    await eventually(() => processesMatching(command).length === 1, "the command", 10_000);

    host.kill("SIGKILL");
    await eventually(
      () => !isAlive(serverPid) && processesMatching(command).length === 0,
      "the server and its command to die",
      10_000,
    );
  });
});
