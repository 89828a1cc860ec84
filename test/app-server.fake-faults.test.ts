import { describe, expect, it } from "@jest/globals";
import type { ApprovalDecision } from "../src/index.js";
import {
  AppServerClosedError,
  AppServerCrashLoopError,
  AppServerStartTimeoutError,
  TurnNotRunningError,
} from "../src/types/app-server-errors.js";
import {
  AbortError,
  IdleTimeoutError,
  ProtocolError,
  RestartLimitError,
} from "../src/types/errors.js";
import { fakeServerCodex } from "./support/fake-app-server.js";
import {
  FAKE_THREAD,
  agentMessage,
  approvalAsked,
  interruptHonoured,
  runningTurn,
  threadAnswered,
  turnEnded,
  turnRequested,
  wholeTurn,
} from "./support/fake-turn-steps.js";
import { eventually, isAlive } from "./support/processes.js";

// Faults of the app-server that the real binary cannot make on demand, on scripts/fake-app-server
// run as the binary of a real `Codex({ transport: "app-server" })`.

const quickRestarts = { backoff: { initialMs: 10, jitter: false } };
const allGone = (pids: number[]) => pids.every((pid) => !isAlive(pid));

describe("the app-server transport on a faulty server", () => {
  it("a crash during a pending approval: the approval ends withdrawn, the turn restarts and succeeds; the late answer is ignored", async () => {
    const rig = fakeServerCodex(
      { runs: [[...runningTurn, approvalAsked(0), { signal: "SIGKILL" }], wholeTurn("recovered")] },
      { supervision: quickRestarts },
    );
    let answerLate: ((decision: ApprovalDecision) => void) | undefined;
    const thread = rig.codex.startThread({
      onApproval: () => new Promise<ApprovalDecision>((answer) => (answerLate = answer)),
    });
    const { events, result } = await thread.runStreamed("go");
    const seen: Array<{ type: string; decision?: unknown; reason?: string }> = [];
    for await (const event of events) seen.push(event);

    expect((await result).finalResponse).toBe("recovered");
    expect((await result).attempts).toBe(2);
    expect(seen.slice(0, 5).map((event) => event.type)).toEqual([
      "thread.started",
      "turn.started",
      "approval.requested",
      "approval.resolved",
      "turn.restarted",
    ]);
    // The request ends in the stream, withdrawn: no decision reached the server.
    expect(seen[3]).toMatchObject({
      decision: null,
      reason: expect.stringContaining("server ended"),
    });
    answerLate!("accept"); // To a server that is gone: ignored, nothing throws.
    expect(seen.filter((event) => event.type === "approval.resolved")).toHaveLength(1);
    expect(rig.serverPids()).toHaveLength(2);
    expect(isAlive(rig.serverPids()[0]!)).toBe(false);
  });

  it("a crash during a pending approval under supervision: false fails the turn with AppServerClosedError", async () => {
    const rig = fakeServerCodex([...runningTurn, approvalAsked(0), { signal: "SIGKILL" }], {
      supervision: false,
    });
    const never = new Promise<ApprovalDecision>(() => undefined);
    const thread = rig.codex.startThread({ onApproval: () => never });
    await expect(thread.run("go")).rejects.toBeInstanceOf(AppServerClosedError);
  });

  it("-32001 on turn/start: retried after a backoff on the same server, and the turn succeeds", async () => {
    const rig = fakeServerCodex(
      [
        ...threadAnswered,
        ...turnRequested,
        { respondError: { code: -32001, message: "Server overloaded; retry later." } },
        ...wholeTurn("after the overload"),
      ],
      { supervision: quickRestarts },
    );
    const { events, result } = await rig.codex.startThread().runStreamed("go");
    const restarts: unknown[] = [];
    for await (const event of events) if (event.type === "turn.restarted") restarts.push(event);

    expect((await result).finalResponse).toBe("after the overload");
    expect((await result).attempts).toBe(2);
    expect(restarts).toEqual([
      {
        type: "turn.restarted",
        attempt: 2,
        delayMs: 10,
        error: expect.objectContaining({ kind: "app_server_overloaded" }),
      },
    ]);
    expect(rig.codex.getSnapshot().server).toMatchObject({ state: "running.ready", restarts: 0 });
  });

  it("idleTimeoutMs counts again once a slow approval is answered: a server silent after it fails the turn with IdleTimeoutError", async () => {
    const rig = fakeServerCodex(
      [...runningTurn, approvalAsked(0), { expectAnswer: true }, ...interruptHonoured],
      { supervision: false },
    );
    const thread = rig.codex.startThread({
      // Answers after the idle timeout has elapsed: waiting for the handler is not silence.
      onApproval: () => new Promise((answer) => setTimeout(() => answer("accept"), 1_500)),
    });
    const error = await thread
      .run("go", { idleTimeoutMs: 1_000, timeoutMs: 10_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdleTimeoutError);
  });

  it("a server that never answers initialize: the turn fails with AppServerStartTimeoutError and the server is killed", async () => {
    const rig = fakeServerCodex([{ ignoreInitialize: true }, { hang: true }], {
      supervision: false,
      serverStartTimeoutMs: 500,
      killGraceMs: 200,
    });
    const error = await rig.codex
      .startThread()
      .run("go")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppServerStartTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 500, retryable: true });
    expect((error as Error).message).toMatch(/serverStartTimeoutMs/);
    await eventually(() => allGone(rig.serverPids()), "the hung server to be killed", 5_000);
    await eventually(
      () => rig.codex.getSnapshot().server!.state === "idle",
      "the server actor to be idle",
      5_000,
    );
  });

  it("a server that ignores turn/interrupt: the aborted attempt still ends after killGraceMs", async () => {
    const rig = fakeServerCodex([...runningTurn, { expect: "turn/interrupt" }, { hang: true }], {
      supervision: false,
      killGraceMs: 300,
    });
    const controller = new AbortController();
    const { events, result } = await rig.codex
      .startThread()
      .runStreamed("go", { signal: controller.signal });
    result.catch(() => undefined);
    const reading = (async () => {
      for await (const event of events) if (event.type === "turn.started") controller.abort();
    })();
    await expect(reading).rejects.toBeInstanceOf(AbortError);
    await expect(result).rejects.toBeInstanceOf(AbortError);
    expect(rig.codex.getSnapshot().threads[0]).toMatchObject({ state: "idle" });
  });

  it("garbage on stdout: the turn fails with ProtocolError, the server is killed, and the next turn gets a new one", async () => {
    const rig = fakeServerCodex(
      {
        runs: [
          [...runningTurn, { line: "thread 'main' panicked\n" }, { hang: true }],
          wholeTurn("fine"),
        ],
      },
      { supervision: false },
    );
    const thread = rig.codex.startThread();
    await expect(thread.run("first")).rejects.toBeInstanceOf(ProtocolError);
    const [first] = rig.serverPids();
    await eventually(() => !isAlive(first!), "the garbled server to be killed", 5_000);

    expect((await thread.run("second")).finalResponse).toBe("fine");
    expect(rig.serverPids()).toHaveLength(2);
    expect(rig.codex.getSnapshot().server).toMatchObject({ restarts: 1 });
  });

  it("a notification of a shape codex cannot mean (an agent message whose text is a number) fails the turn with ProtocolError naming it", async () => {
    const badMessage = {
      notify: {
        method: "item/completed",
        params: {
          threadId: FAKE_THREAD,
          turnId: "fake-turn",
          item: { type: "agentMessage", id: "msg-0", text: 42 },
        },
      },
    };
    const rig = fakeServerCodex([...runningTurn, badMessage, { hang: true }], {
      supervision: false,
    });
    const error = await rig.codex
      .startThread()
      .run("go")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toContain(
      "item/completed: agentMessage.text is not a string",
    );
  });

  it("rateLimits() gives each window's use, length and reset time, null for a window the account has not", async () => {
    const rig = fakeServerCodex([
      { expect: "account/rateLimits/read" },
      {
        respond: {
          rateLimits: {
            primary: { usedPercent: 42, windowDurationMins: 300, resetsAt: 1_760_000_000 },
            secondary: null,
            rateLimitReachedType: "primary",
          },
        },
      },
    ]);
    expect(await rig.codex.rateLimits()).toEqual({
      primary: { usedPercent: 42, windowMinutes: 300, resetsAt: 1_760_000_000 },
      secondary: null,
      reached: true,
    });
  });

  it("a request in flight when the server dies (listThreads) rejects with AppServerClosedError", async () => {
    const rig = fakeServerCodex([{ expect: "thread/list" }, { signal: "SIGKILL" }]);
    const error = await rig.codex.listThreads().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppServerClosedError);
    expect(error).toMatchObject({ method: "thread/list" });
  });

  it("a server that exits at start refuses its configuration: CodexConfigError, not restarted; the fourth start is refused", async () => {
    const rig = fakeServerCodex([{ ignoreInitialize: true }, { exit: 3 }], {
      supervision: { ...quickRestarts, restart: "permanent", maxRestarts: 2, withinMs: 60_000 },
    });
    const thread = rig.codex.startThread();
    for (let turn = 1; turn <= 3; turn++) {
      await expect(thread.run(`turn ${turn}`)).rejects.toMatchObject({
        name: "CodexConfigError",
        exitCode: 3,
      });
    }
    expect(rig.codex.getSnapshot().server).toMatchObject({ state: "suspended", restarts: 2 });

    const refused = await thread.run("turn 4").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppServerCrashLoopError);
    expect(refused).toMatchObject({ exits: 3, withinMs: 60_000 });
    expect((refused as Error).message).toMatch(/last: it refused its configuration, exit code 3\)/);
    expect(rig.serverPids()).toHaveLength(3);
    expect(allGone(rig.serverPids())).toBe(true);
  });

  it("a server killed at every start: the turn gives up (RestartLimitError), the server is suspended, the next turn fails with AppServerCrashLoopError", async () => {
    const rig = fakeServerCodex([{ signal: "SIGKILL" }], {
      supervision: { ...quickRestarts, maxRestarts: 2, withinMs: 60_000 },
    });
    const thread = rig.codex.startThread();
    const first = await thread.run("go").catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RestartLimitError);
    expect((first as RestartLimitError).failures.map((f) => f.name)).toEqual([
      "AppServerClosedError",
      "AppServerClosedError",
      "AppServerClosedError",
    ]);
    expect(rig.codex.getSnapshot().server).toMatchObject({ state: "suspended", restarts: 2 });

    await expect(thread.run("again")).rejects.toBeInstanceOf(AppServerCrashLoopError);
    expect(rig.serverPids()).toHaveLength(3);
  });

  it("a steer the server never answers rejects with TurnNotRunningError once its turn ends", async () => {
    const rig = fakeServerCodex(
      [...runningTurn, { expect: "turn/steer" }, agentMessage("done"), turnEnded.completed],
      { supervision: false },
    );
    const turn = await rig.codex.startThread().runStreamed("go");
    let steered: Promise<unknown> | undefined;
    for await (const event of turn.events) {
      if (event.type === "turn.started") {
        steered = turn.steer("and tests too").then(
          () => "answered",
          (error: unknown) => error,
        );
      }
    }
    expect((await turn.result).finalResponse).toBe("done");
    expect(await steered).toBeInstanceOf(TurnNotRunningError);
  });
});
