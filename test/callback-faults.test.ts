import { describe, expect, it } from "@jest/globals";
import { delayed, message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { AbortError, Codex, InternalError, TurnInterruptedError } from "../src/index.js";
import { decideApproval } from "../src/transports/app-server/approval-decision.js";
import type { ApprovalRequestedEvent } from "../src/types/app-server.js";
import { collect } from "./support/collect.js";
import { settledWithin } from "./support/deadlines.js";
import { fakeServerCodex } from "./support/fake-app-server.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";
import { eventually, isAlive } from "./support/processes.js";
import { MODEL, realCodex } from "./support/real-codex.js";

/*
 * The callbacks users give codex-actors run guarded at the edge: whatever they throw or answer,
 * the turn settles typed, its slot is freed, and nothing reaches the host uncaught. And the stops
 * somebody asked for (interrupt, an approval answered `cancel`) are never restarted.
 */

const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];
const fast = { backoff: { initialMs: 10, maxMs: 10, jitter: false } };

/** A thread on the app-server that asks before it runs anything. */
const askingThread = (codex: Codex<"app-server">, workingDirectory: string) =>
  codex.startThread({
    model: MODEL,
    workingDirectory,
    sandboxMode: "danger-full-access",
    approvalPolicy: "untrusted",
  });

describe("a supervision.isTransient that throws", () => {
  it("fails the turn with InternalError naming it and the failure, frees the slot, leaves no process", async () => {
    const boom = new Error("classifier bug");
    const rig = mockCodex(
      { attempts: [[...started, { exit: 3 }], [{ turn: "done" }]] },
      {
        maxConcurrentTurns: 1,
        supervision: {
          ...fast,
          isTransient: () => {
            throw boom;
          },
        },
      },
    );
    const failed = await settledWithin(
      rig.codex
        .startThread()
        .run("hi")
        .catch((error: unknown) => error),
      10_000,
    );
    expect(failed).toBeInstanceOf(InternalError);
    expect(failed).toMatchObject({
      kind: "internal",
      where: "supervision.isTransient",
      cause: boom,
      failure: { kind: "exit", exitCode: 3 },
      message: expect.stringContaining("classifier bug"),
    });
    // The only slot was given back: another thread's turn runs.
    const next = await settledWithin(rig.codex.startThread().run("next"), 10_000);
    expect(next).toMatchObject({ finalResponse: "done" });
    await expect(settledWithin(rig.codex.shutdown(), 10_000)).resolves.toBeUndefined();
    const pids = rig.records().flatMap((record) => (record.pid ? [record.pid] : []));
    await eventually(() => pids.every((pid) => !isAlive(pid)), "no codex left");
  });
});

describe("an inspect callback that throws", () => {
  it("is warned of once; the actors and the turn go on", async () => {
    const warnings: string[] = [];
    const emitWarning = process.emitWarning;
    process.emitWarning = ((warning: string, options?: { code?: string }) => {
      if (options?.code === "CODEX_ACTORS_INSPECT") warnings.push(warning);
    }) as typeof process.emitWarning;
    try {
      const rig = mockCodex([{ turn: "done" }], {
        inspect: () => {
          throw new Error("inspector bug");
        },
      });
      const turn = await settledWithin(rig.codex.startThread().run("hi"), 10_000);
      expect(turn).toMatchObject({ finalResponse: "done" });
      await eventually(() => warnings.length > 0, "the warning");
      expect(warnings).toEqual([expect.stringContaining("inspector bug")]);
    } finally {
      process.emitWarning = emitWarning;
    }
  });
});

describe("onApproval answers that cannot be printed", () => {
  const request = { type: "approval.requested" } as ApprovalRequestedEvent;
  const circular: Record<string, unknown> = {};
  circular.self = circular;

  it.each([
    ["a circular object", circular, "[object Object]"],
    ["a BigInt", 10n, "10"],
  ])("%s declines, with the reason, and never rejects", async (_, answer, shown) => {
    const answered = await decideApproval(
      { handler: () => answer as never, timeoutMs: 5_000 },
      request,
    );
    expect(answered).toEqual({
      decision: "decline",
      reason: `onApproval answered ${shown}`,
    });
  });

  it("an error whose message getter throws declines, with the reason, and never rejects", async () => {
    const error = new Error("no");
    Object.defineProperty(error, "message", {
      get() {
        throw new Error("getter bug");
      },
    });
    const answered = await decideApproval(
      {
        handler: () => {
          throw error;
        },
        timeoutMs: 5_000,
      },
      request,
    );
    expect(answered).toMatchObject({
      decision: "decline",
      reason: expect.stringContaining("onApproval threw"),
    });
  });

  it("on the real binary, a circular answer declines the command and the turn completes", async () => {
    const rig = await realCodex([reply(shellCommand("touch never")), reply(message("done"))]);
    const codex = rig.makeCodex({ transport: "app-server", onApproval: () => circular as never });
    const thread = askingThread(codex, rig.workdir);
    const { events } = await thread.runStreamed("make it");
    const { seen, error } = await collect(events);
    expect(error).toBeUndefined();
    expect(seen.filter((event) => event.type === "approval.resolved")).toMatchObject([
      { decision: "decline", reason: "onApproval answered [object Object]" },
    ]);
  });
});

describe("odd values and odd calls", () => {
  it("an abort reason whose message getter throws: AbortError with it as cause, nothing uncaught", async () => {
    const rig = mockCodex([...started, { hang: true }]);
    const controller = new AbortController();
    const turn = rig.codex.startThread().run("hi", { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reason = new Error("r");
    Object.defineProperty(reason, "message", {
      get() {
        throw new Error("getter bug");
      },
    });
    controller.abort(reason);
    const failed = await settledWithin(
      turn.catch((error: unknown) => error),
      10_000,
    );
    expect(failed).toBeInstanceOf(AbortError);
    // Compared by identity: Jest's matchers would read its throwing message.
    expect((failed as AbortError).cause === reason).toBe(true);
  });

  it("codex.actor.stop(): the running turn fails with InternalError and shutdown() resolves", async () => {
    const rig = mockCodex([...started, { hang: true }]);
    const turn = rig.codex.startThread().run("hi");
    await new Promise((resolve) => setTimeout(resolve, 300));
    rig.codex.actor.stop();
    await expect(
      settledWithin(
        turn.catch((error: unknown) => error),
        10_000,
      ),
    ).resolves.toBeInstanceOf(InternalError);
    await expect(settledWithin(rig.codex.shutdown(), 10_000)).resolves.toBeUndefined();
    const pids = rig.records().flatMap((record) => (record.pid ? [record.pid] : []));
    await eventually(() => pids.every((pid) => !isAlive(pid)), "no codex left");
  });

  it("an app-server answer without the thread it must carry: a typed InternalError, not a TypeError", async () => {
    const rig = fakeServerCodex([{ expect: ["thread/start"] }, { respond: {} }], {
      supervision: false,
    });
    await expect(rig.codex.startThread().run("go")).rejects.toMatchObject({
      name: "InternalError",
      where: "reading the app-server's answers",
    });
  });
});

describe("stops asked for are never restarted, whatever the policy", () => {
  it("interrupt() before any item under permanent: TurnInterruptedError, no turn.restarted, the prompt sent once", async () => {
    const rig = await realCodex([
      delayed(1_500, reply(message("too late"))),
      reply(message("rerun")),
    ]);
    const codex = rig.makeCodex({
      transport: "app-server",
      supervision: { restart: "permanent", ...fast },
    });
    const turn = await rig.startThread(codex).runStreamed("wait");
    const seen: string[] = [];
    let interrupted: Promise<void> | undefined;
    const reading = (async () => {
      for await (const event of turn.events) {
        seen.push(event.type);
        if (event.type === "turn.started") interrupted = turn.interrupt();
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(TurnInterruptedError);
    await interrupted;
    expect(seen).not.toContain("turn.restarted");
    // A restart would have sent the prompt again by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(rig.standIn.requests.length).toBeLessThanOrEqual(1);
    expect(codex.getSnapshot().threads).toMatchObject([{ restarts: 0 }]);
  });

  it("an approval answered cancel under permanent with restartAfterSideEffects: not restarted", async () => {
    const rig = await realCodex([reply(shellCommand("touch never")), reply(message("rerun"))]);
    const codex = rig.makeCodex({
      transport: "app-server",
      supervision: { restart: "permanent", restartAfterSideEffects: true, ...fast },
      onApproval: () => "cancel",
    });
    const thread = askingThread(codex, rig.workdir);
    const { events } = await thread.runStreamed("make it");
    const { seen, error } = await collect(events);
    expect(error).toBeInstanceOf(TurnInterruptedError);
    expect(seen.map((event) => event.type)).not.toContain("turn.restarted");
    expect(rig.standIn.requests).toHaveLength(1);
  });
});
