import { afterEach, describe, expect, it } from "@jest/globals";
import { within } from "./support/deadlines.js";
import { mockCodex, type MockCodexRig, type MockStep } from "./support/mock-codex.js";
import { eventually, isAlive, processesMatching } from "./support/processes.js";

/* What codex leaves behind as it exits: processes holding its stdout, commands in sessions of
   their own. The turn must settle all the same, and what codex left must die. */

const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];
const unsupervised = { supervision: false } as const;

let rig: MockCodexRig | undefined;
afterEach(() => {
  // A failing run must not leave its sleepers behind.
  for (const pid of spawnedBy(rig)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
  rig?.close();
  rig = undefined;
});

function spawnedBy(of: MockCodexRig | undefined): number[] {
  return (of?.records() ?? [])
    .map((record) => record.spawned)
    .filter((pid): pid is number => pid !== undefined);
}

describe("a codex that exits leaving a process that holds its stdout", () => {
  it("exit 0 after its turn, a child in its own process group holding stdout: the turn completes and the child is killed", async () => {
    rig = mockCodex([
      { spawn: ["sleep", "311.5"], own: "group", holdStdout: true },
      { delayMs: 200 },
      { turn: "done" },
      { exit: 0 },
    ]);
    const turn = await within(rig.codex.startThread().run("hi"), 8_000, "the turn");
    expect(turn.finalResponse).toBe("done");
    const [child] = spawnedBy(rig);
    expect(child).toBeDefined();
    expect(isAlive(child!)).toBe(false);
  });

  it("a crash after starting a daemon in its own session that holds stdout: the turn fails and the daemon is killed", async () => {
    rig = mockCodex(
      [
        ...started,
        { spawn: ["sleep", "312.5"], own: "session", holdStdout: true },
        { delayMs: 2_500 },
        { stderr: "panicked" },
        { exit: 3 },
      ],
      unsupervised,
    );
    await expect(
      within(rig.codex.startThread().run("hi"), 8_000, "the turn"),
    ).rejects.toMatchObject({
      name: "CodexExitError",
      exitCode: 3,
      stderrTail: expect.stringContaining("panicked"),
    });
    const [daemon] = spawnedBy(rig);
    expect(isAlive(daemon!)).toBe(false);
  });

  it("a daemon started just before the exit and writing on: the turn still settles, and shutdown() resolves", async () => {
    const chatter = `while :; do echo '{"type":"daemon.tick"}'; sleep 0.05; done`;
    rig = mockCodex(
      [...started, { spawn: ["sh", "-c", chatter], own: "session", holdStdout: true }, { exit: 0 }],
      unsupervised,
    );
    const { events } = await rig.codex.startThread().runStreamed("hi");
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of events) seen.push(event.type);
    })();
    await expect(within(reading, 8_000, "the turn")).rejects.toMatchObject({
      name: "CodexExitError",
      exitCode: 0,
    });
    expect(seen.slice(0, 2)).toEqual(["thread.started", "turn.started"]);
    await within(rig.codex.shutdown({ timeoutMs: 100 }), 5_000, "shutdown()");
  });

  it("timeoutMs still ends the turn when its consumer holds stdout paused while a daemon floods it", async () => {
    // Double-forked into a session of its own, it is no descendant of codex by the time codex
    // exits, so only timeoutMs can end the drain that the paused consumer extends.
    const flood = `setsid yes '{"type":"daemon.tick"}' & exit 0`;
    rig = mockCodex(
      [
        ...started,
        // More than the consumer's queue holds: stdout is paused before codex exits.
        { flood: { count: 5_000, bytes: 200 } },
        { spawn: ["sh", "-c", flood], own: "session", holdStdout: true },
        { exit: 0 },
      ],
      unsupervised,
    );
    const { events } = await rig.codex.startThread().runStreamed("hi", { timeoutMs: 1_500 });
    await events.next(); // then stop reading: the queue fills and stdout is paused
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const reading = (async () => {
      for await (const event of events) void event;
    })();
    await expect(within(reading, 8_000, "the turn")).rejects.toMatchObject({
      name: "TurnTimeoutError",
    });
  });
});

describe("a codex that exits leaving a command in a session of its own", () => {
  it("after a completed turn: the command is killed before the turn settles", async () => {
    // Like the real binary, it takes a moment to exit after turn.completed.
    rig = mockCodex([
      { spawn: ["sleep", "313.5"], own: "session" },
      { delayMs: 200 },
      { turn: "done" },
      { delayMs: 500 },
      { exit: 0 },
    ]);
    await expect(rig.codex.startThread().run("hi")).resolves.toMatchObject({
      finalResponse: "done",
    });
    const [command] = spawnedBy(rig);
    expect(isAlive(command!)).toBe(false);
  });

  // codex's descendants are listed once a second: a crash after 2.5 s comes after two listings,
  // one after 0.3 s before any (the command is found by the attempt's mark).
  it.each([
    [2_500, "314.5"],
    [300, "316.5"],
  ])(
    "after a crash %i ms after it started: the command is killed before the turn settles",
    async (delayMs, seconds) => {
      rig = mockCodex(
        [...started, { spawn: ["sleep", seconds], own: "session" }, { delayMs }, { exit: 1 }],
        unsupervised,
      );
      await expect(rig.codex.startThread().run("hi")).rejects.toMatchObject({
        name: "CodexExitError",
        exitCode: 1,
      });
      const [command] = spawnedBy(rig);
      expect(isAlive(command!)).toBe(false);
    },
  );

  it("a process codex leaves in its own group is killed with the group", async () => {
    rig = mockCodex([{ spawn: ["sleep", "315.5"] }, { turn: "done" }, { exit: 0 }]);
    await rig.codex.startThread().run("hi");
    await eventually(() => spawnedBy(rig).length === 1, "the record of the child");
    expect(isAlive(spawnedBy(rig)[0]!)).toBe(false);
  });
});

describe("a command orphaned between two looks at codex's tree (found by the attempt's mark)", () => {
  /** A command that detaches into a session of its own and is orphaned at once (its shell exits). */
  const detached = (sleep: string) => ({
    spawn: ["sh", "-c", `setsid ${sleep} </dev/null >/dev/null 2>&1 &`],
  });

  it("a completed turn whose command detached and was orphaned at once: it is killed before the turn settles", async () => {
    rig = mockCodex([
      detached("sleep 317.5"),
      { delayMs: 100 },
      { turn: "done" },
      { delayMs: 300 },
      { exit: 0 },
    ]);
    await expect(rig.codex.startThread().run("hi")).resolves.toMatchObject({
      finalResponse: "done",
    });
    expect(processesMatching("sleep 317.5")).toEqual([]);
  });

  it("an aborted turn whose command detached and was orphaned at once: it is killed before the turn settles", async () => {
    rig = mockCodex([...started, detached("sleep 318.5"), { hang: true }], unsupervised);
    const controller = new AbortController();
    const turn = rig.codex.startThread().run("hi", { signal: controller.signal });
    await eventually(() => processesMatching("sleep 318.5").length === 1, "the command");
    controller.abort();
    await expect(turn).rejects.toMatchObject({ name: "AbortError" });
    expect(processesMatching("sleep 318.5")).toEqual([]);
  });
});
