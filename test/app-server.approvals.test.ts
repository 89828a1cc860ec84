import { describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  addFile,
  escalatedCommand,
  message,
  reply,
  shellCommand,
} from "../src/model-stand-in/index.js";
import type { ApprovalHandler, ApprovalRequestedEvent } from "../src/types/app-server.js";
import type { CodexOptions, ThreadOptions } from "../src/types/options.js";
import { collect } from "./support/collect.js";
import { eventually } from "./support/processes.js";
import { MODEL, realCodex, type RealCodexRig } from "./support/real-codex.js";

/** A thread on the app-server that asks before it runs anything (by default). */
function askingThread(
  rig: RealCodexRig,
  codexOptions: CodexOptions = {},
  threadOptions: ThreadOptions = {},
) {
  const codex = rig.makeCodex({ transport: "app-server", ...codexOptions });
  const thread = codex.startThread({
    model: MODEL,
    workingDirectory: rig.workdir,
    sandboxMode: "danger-full-access",
    approvalPolicy: "untrusted",
    ...threadOptions,
  });
  return { codex, thread };
}

/** Runs one streamed turn to its end: the events, the approvals asked, and how it ended. */
async function runTurn(thread: ReturnType<typeof askingThread>["thread"], prompt: string) {
  const { events } = await thread.runStreamed(prompt);
  const { seen, error } = await collect(events);
  const requested = seen.filter((e) => e.type === "approval.requested");
  const resolved = seen.filter((e) => e.type === "approval.resolved");
  return { seen, error, requested, resolved };
}

const touching = (file: string) => reply(shellCommand(`touch ${file}`));

describe("approvals on the app-server, through the public API", () => {
  it("while a handler is pending, getSnapshot() shows the turn awaiting approval, with the count", async () => {
    const rig = await realCodex();
    const file = path.join(rig.workdir, "pending.txt");
    rig.standIn.enqueue(touching(file), reply(message("done")));
    let answer!: (decision: "accept") => void;
    let askedNow!: () => void;
    const asked = new Promise<void>((seen) => (askedNow = seen));
    const { codex, thread } = askingThread(rig, {
      onApproval: () => {
        askedNow();
        return new Promise((resolve) => (answer = resolve));
      },
    });
    const turn = thread.run("make it");
    await asked;
    await eventually(
      () => codex.getSnapshot().threads[0]?.turn?.state === "running.awaitingApproval",
      "the turn to await its approval",
    );
    expect(codex.getSnapshot().threads[0]?.turn).toMatchObject({ pendingApprovals: 1 });
    expect(existsSync(file)).toBe(false);

    answer("accept");
    await turn;
    expect(existsSync(file)).toBe(true);
    expect(codex.getSnapshot().threads[0]?.turn).toBeUndefined();
  });

  it("a file change accepted is written; declined, it is not and the turn completes", async () => {
    const rig = await realCodex([
      reply(addFile("yes.txt", "accepted")),
      reply(message("done")),
      reply(addFile("no.txt", "declined")),
      reply(message("done")),
    ]);
    const asked: ApprovalRequestedEvent[] = [];
    const { thread } = askingThread(rig, {
      onApproval: (request) => {
        asked.push(request);
        return asked.length === 1 ? "accept" : "decline";
      },
    });
    const first = await runTurn(thread, "add yes.txt");
    const second = await runTurn(thread, "add no.txt");

    expect(asked.map((request) => request.kind)).toEqual(["file_change", "file_change"]);
    expect(readFileSync(path.join(rig.workdir, "yes.txt"), "utf8")).toBe("accepted\n");
    expect(existsSync(path.join(rig.workdir, "no.txt"))).toBe(false);
    expect(first.resolved).toMatchObject([{ kind: "file_change", decision: "accept" }]);
    expect(second.resolved).toMatchObject([{ kind: "file_change", decision: "decline" }]);
    expect(second.error).toBeUndefined();
    expect(second.seen.at(-1)).toMatchObject({ type: "turn.completed" });
  });

  it("a handler slower than approvalTimeoutMs declines, and approval.resolved says why", async () => {
    const rig = await realCodex();
    const file = path.join(rig.workdir, "slow.txt");
    rig.standIn.enqueue(touching(file), reply(message("done")));
    const late: ApprovalHandler = () =>
      new Promise((resolve) => setTimeout(() => resolve("accept"), 5_000).unref());
    const { thread } = askingThread(rig, { onApproval: late, approvalTimeoutMs: 200 });
    const { resolved, error } = await runTurn(thread, "make it");

    expect(error).toBeUndefined();
    expect(resolved).toEqual([
      expect.objectContaining({
        decision: "decline",
        reason: "onApproval did not answer within 200 ms (approvalTimeoutMs)",
      }),
    ]);
    expect(existsSync(file)).toBe(false);
  });

  it("cancel ends the turn with TurnInterruptedError, and the command did not run", async () => {
    const rig = await realCodex();
    const file = path.join(rig.workdir, "cancelled.txt");
    rig.standIn.enqueue(touching(file), reply(message("never reached")));
    const { thread } = askingThread(rig, { onApproval: () => "cancel" });
    const { error, resolved } = await runTurn(thread, "make it");

    expect(error).toMatchObject({ name: "TurnInterruptedError" });
    expect(resolved).toMatchObject([{ decision: "cancel" }]);
    expect(existsSync(file)).toBe(false);
    expect(rig.standIn.requests).toHaveLength(1);
  });

  it("acceptForSession: the same command runs again without asking", async () => {
    const rig = await realCodex();
    const log = path.join(rig.workdir, "log.txt");
    const command = `echo ran >> ${log}`;
    rig.standIn.enqueue(
      reply(shellCommand(command)),
      reply(shellCommand(command)),
      reply(message("done")),
    );
    let asked = 0;
    const { thread } = askingThread(rig, {
      onApproval: () => {
        asked++;
        return "acceptForSession";
      },
    });
    const { resolved, error } = await runTurn(thread, "run it twice");

    expect(error).toBeUndefined();
    expect(asked).toBe(1);
    expect(resolved).toMatchObject([{ decision: "acceptForSession" }]);
    expect(readFileSync(log, "utf8")).toBe("ran\nran\n");
  });

  it("a thread's onApproval overrides its Codex's", async () => {
    const rig = await realCodex();
    const file = path.join(rig.workdir, "thread.txt");
    rig.standIn.enqueue(touching(file), reply(message("done")));
    const byCodex: string[] = [];
    const { thread } = askingThread(
      rig,
      { onApproval: () => (byCodex.push("asked"), "decline") },
      { onApproval: () => "accept" },
    );
    const { resolved } = await runTurn(thread, "make it");

    expect(byCodex).toEqual([]);
    expect(resolved).toMatchObject([{ decision: "accept" }]);
    expect(existsSync(file)).toBe(true);
  });

  it("no handler under a policy that asks: declined with the reason, never a hang", async () => {
    const rig = await realCodex();
    const file = path.join(rig.workdir, "unasked.txt");
    rig.standIn.enqueue(touching(file), reply(message("done")));
    const { thread } = askingThread(rig);
    const { resolved, error } = await runTurn(thread, "make it");

    expect(error).toBeUndefined();
    expect(resolved).toEqual([
      expect.objectContaining({ decision: "decline", reason: "no onApproval handler is set" }),
    ]);
    expect(existsSync(file)).toBe(false);
  });

  it("a command is asked for as it will run: argv out of codex's shell, a cd prefix as cwd", async () => {
    const rig = await realCodex();
    const sub = path.join(rig.workdir, "sub");
    mkdirSync(path.join(sub, "build"), { recursive: true });
    rig.standIn.enqueue(
      reply(shellCommand("cd sub && rm -rf build")),
      reply(shellCommand("rm -rf build | cat")),
      reply(message("done")),
    );
    const asked: ApprovalRequestedEvent[] = [];
    const { thread } = askingThread(rig, {
      onApproval: (request) => (asked.push(request), "decline"),
    });
    const { error } = await runTurn(thread, "clean up");

    expect(error).toBeUndefined();
    expect(asked).toEqual([
      expect.objectContaining({
        command: "/bin/bash -c 'cd sub && rm -rf build'",
        argv: ["rm", "-rf", "build"],
        simple: true,
        cwd: sub,
      }),
      expect.objectContaining({
        command: "/bin/bash -c 'rm -rf build | cat'",
        argv: null,
        simple: false,
        cwd: rig.workdir,
      }),
    ]);
    expect(existsSync(path.join(sub, "build"))).toBe(true);
  });

  it('"on-request": a command asking to leave the sandbox is asked for, and runs once accepted', async () => {
    const rig = await realCodex();
    const file = path.join(rig.workdir, "escalated.txt");
    rig.standIn.enqueue(reply(escalatedCommand(`touch ${file}`)), reply(message("done")));
    const asked: ApprovalRequestedEvent[] = [];
    const { thread } = askingThread(
      rig,
      { onApproval: (request) => (asked.push(request), "accept") },
      { approvalPolicy: "on-request", sandboxMode: "workspace-write" },
    );
    const { error } = await runTurn(thread, "make it");

    expect(error).toBeUndefined();
    expect(asked).toEqual([
      expect.objectContaining({
        kind: "command",
        command: expect.stringContaining(`touch ${file}`),
        argv: ["touch", file],
        simple: true,
        cwd: rig.workdir,
        reason: "It needs to write.",
      }),
    ]);
    expect(existsSync(file)).toBe(true);
  });
});
