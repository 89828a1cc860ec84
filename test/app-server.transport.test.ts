import { describe, expect, it } from "@jest/globals";
import { existsSync } from "node:fs";
import path from "node:path";
import { message, reply, shellCommand, streamedReply } from "../src/model-stand-in/index.js";
import { UnsupportedError } from "../src/types/app-server-errors.js";
import { AbortError } from "../src/types/errors.js";
import type { ApprovalRequestedEvent } from "../src/types/app-server.js";
import { collect } from "./support/collect.js";
import { eventually, isAlive, processesMatching } from "./support/processes.js";
import { MODEL, realCodex, type RealCodexRig } from "./support/real-codex.js";

const touching = (file: string) => [reply(shellCommand(`touch ${file}`)), reply(message("done"))];

/** A thread on the app-server transport that asks before it runs anything. */
function askingThread(
  rig: RealCodexRig,
  onApproval?: (r: ApprovalRequestedEvent) => "accept" | "decline",
) {
  const codex = rig.makeCodex({ transport: "app-server" });
  const thread = codex.startThread({
    model: MODEL,
    workingDirectory: rig.workdir,
    sandboxMode: "danger-full-access",
    approvalPolicy: "untrusted",
    ...(onApproval ? { onApproval } : {}),
  });
  return { codex, thread };
}

describe("the app-server transport through the public API", () => {
  it("run() answers as on the exec transport: same final response, items and usage shape", async () => {
    const rig = await realCodex([
      reply(message("The answer is 42.")),
      reply(message("The answer is 42.")),
    ]);
    const exec = await rig.startThread().run("question");
    const codex = rig.makeCodex({ transport: "app-server" });
    const turn = await rig.startThread(codex).run("question");

    expect(turn.finalResponse).toBe("The answer is 42.");
    expect(turn.finalResponse).toBe(exec.finalResponse);
    expect(turn.items.map((item) => item.type)).toEqual(exec.items.map((item) => item.type));
    expect(Object.keys(turn.usage ?? {}).sort()).toEqual(Object.keys(exec.usage ?? {}).sort());
    expect(turn.attempts).toBe(1);
  });

  it("runStreamed() yields thread.started, turn.started, the items and turn.completed; the thread id is kept", async () => {
    const rig = await realCodex([reply(message("first")), reply(message("second"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const thread = rig.startThread(codex);
    const { events } = await thread.runStreamed("one");
    const { seen, error } = await collect(events);
    expect(error).toBeUndefined();
    const types = seen.map((event) => event.type);
    expect(types).not.toContain("item.delta"); // only with { deltas: true }
    expect(types[0]).toBe("thread.started");
    expect(types).toContain("turn.started");
    expect(types.at(-1)).toBe("turn.completed");
    expect(thread.id).toBe((seen[0] as { thread_id: string }).thread_id);
    const second = await thread.run("two");
    expect(second.finalResponse).toBe("second");
    expect(thread.id).toBe((seen[0] as { thread_id: string }).thread_id);
  });

  it("{ deltas: true } streams item.delta events that concatenate to the final text; exec refuses it", async () => {
    const rig = await realCodex([streamedReply(message("The answer is 42."))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const turn = await rig.startThread(codex).runStreamed("question", { deltas: true });
    let text = "";
    for await (const event of turn.events) {
      if (event.type === "item.delta" && event.kind === "agent_message") text += event.delta;
    }
    expect(text).toBe("The answer is 42.");
    expect((await turn.result).finalResponse).toBe("The answer is 42.");
    await expect(
      rig.startThread().runStreamed("question", { deltas: true }),
    ).rejects.toBeInstanceOf(UnsupportedError);
  });

  it("onApproval accept: the command ran; decline: it did not, and both turns completed", async () => {
    const rig = await realCodex();
    const accepted = path.join(rig.workdir, "accepted.txt");
    const declined = path.join(rig.workdir, "declined.txt");
    rig.standIn.enqueue(...touching(accepted), ...touching(declined));
    const asked: ApprovalRequestedEvent[] = [];
    const { thread } = askingThread(rig, (request) => {
      asked.push(request);
      return request.command?.includes("accepted") ? "accept" : "decline";
    });
    const first = await thread.run("make accepted");
    const second = await thread.run("make declined");

    expect(asked.map((request) => request.kind)).toEqual(["command", "command"]);
    expect(existsSync(accepted)).toBe(true);
    expect(existsSync(declined)).toBe(false);
    expect(first.finalResponse).toBe("done");
    expect(second.finalResponse).toBe("done");
  });

  it("a handler that throws declines, and the stream says why", async () => {
    const rig = await realCodex();
    const file = path.join(rig.workdir, "never.txt");
    rig.standIn.enqueue(...touching(file));
    const { thread } = askingThread(rig, () => {
      throw new Error("policy engine down");
    });
    const { events } = await thread.runStreamed("make it");
    const { seen } = await collect(events);
    expect(existsSync(file)).toBe(false);
    expect(seen).toContainEqual(
      expect.objectContaining({
        type: "approval.resolved",
        decision: "decline",
        reason: expect.stringContaining("policy engine down"),
      }),
    );
  });

  it("an abort mid-command interrupts the turn: AbortError, the command is gone, the server serves the next turn", async () => {
    const rig = await realCodex([reply(shellCommand("sleep 31.5")), reply(message("after"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const thread = rig.startThread(codex);
    const controller = new AbortController();
    const { events } = await thread.runStreamed("wait", { signal: controller.signal });
    const reading = (async () => {
      for await (const event of events) {
        if (event.type === "item.started" && event.item.type === "command_execution")
          controller.abort(new Error("enough"));
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(AbortError);
    await eventually(
      () => processesMatching("sleep 31.5").length === 0,
      "the command to end",
      5_000,
    );
    const pid = codex.getSnapshot().server?.pid;
    expect(pid).toEqual(expect.any(Number));
    expect(isAlive(pid!)).toBe(true);
    expect((await thread.run("again")).finalResponse).toBe("after");
    expect(codex.getSnapshot().server?.pid).toBe(pid);
  });

  it("shutdown() ends the server: no process of it remains", async () => {
    const rig = await realCodex([reply(message("ok"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    await rig.startThread(codex).run("hi");
    const pid = codex.getSnapshot().server?.pid;
    expect(pid).toEqual(expect.any(Number));
    await codex.shutdown();
    expect(isAlive(pid!)).toBe(false);
    expect(codex.getSnapshot().server?.state).toBe("stopped");
  });

  it("shutdown() with three threads mid-command leaves no server and no command", async () => {
    const command = "sleep 308.5";
    const rig = await realCodex();
    for (let i = 0; i < 3; i++) rig.standIn.enqueue(reply(shellCommand(command)));
    const codex = rig.makeCodex({ transport: "app-server" });
    const turns = [0, 1, 2].map(() =>
      rig
        .startThread(codex)
        .run("run it")
        .catch((error: unknown) => error),
    );
    await eventually(() => processesMatching(command).length === 3, "three commands", 15_000);
    const pid = codex.getSnapshot().server!.pid!;

    await codex.shutdown({ timeoutMs: 100 });

    expect(isAlive(pid)).toBe(false);
    expect(processesMatching(command)).toEqual([]);
    for (const outcome of await Promise.all(turns))
      expect(outcome).toMatchObject({ name: "ShutdownError" });
  });
});
