import { describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { ThreadEvent } from "../src/index.js";
import {
  escalatedCommand,
  message,
  reasoning,
  reply,
  shellCommand,
  streamedReply,
} from "../src/model-stand-in/index.js";
import { locateCodexBinary } from "../src/process/codex-binary.js";
import { call } from "../src/transports/app-server/methods.js";
import { AppServerRequestError } from "../src/types/app-server-errors.js";
import type { ApprovalRequestedEvent, ItemDeltaEvent } from "../src/types/app-server.js";
import { appServer, spawnAppServer } from "./support/app-server.js";
import { collect } from "./support/collect.js";
import { realCodex } from "./support/real-codex.js";

const APP_SERVER_ONLY = new Set(["item.delta", "approval.requested", "approval.resolved"]);

/** A script where the model runs a command that creates `file`, then answers "done". */
const touching = (file: string) => [reply(shellCommand(`touch ${file}`)), reply(message("done"))];

describe("codex app-server (the real binary) through our JSON-RPC connection", () => {
  it("refuses requests before the handshake with a typed error, then accepts them", async () => {
    const rig = await spawnAppServer();
    const early = await call(rig.connection, "thread/list", {}).catch((error: unknown) => error);
    expect(early).toBeInstanceOf(AppServerRequestError);
    expect((early as AppServerRequestError).serverMessage).toMatch(/not initialized/i);

    const { initialize } = await import("../src/transports/app-server/methods.js");
    const info = await initialize(rig.connection, { name: "t", title: null, version: "0" });
    // The version of the binary under test (npm run test:codex-version runs other ones).
    const version = execFileSync(locateCodexBinary().executablePath, ["--version"], {
      encoding: "utf8",
    }).replace("codex-cli ", "");
    expect(info.userAgent).toContain(version.trim());
    await expect(call(rig.connection, "thread/list", {})).resolves.toMatchObject({ data: [] });
  });

  it("yields for a plain answer the events the exec transport yields, plus deltas that concatenate to the text", async () => {
    const script = () => [
      streamedReply(reasoning("Thinking it over"), message("The answer is 42.")),
    ];
    const exec = await realCodex(script());
    const viaExec = (await collect((await exec.startThread().runStreamed("What is it?")).events))
      .seen;

    const rig = await appServer(script());
    const threadId = await rig.startThread("never");
    const { events, outcome } = await rig.runTurn(threadId, "What is it?");

    expect(outcome).toBe("completed");
    const sameThread = (event: ThreadEvent) =>
      event.type === "thread.started" ? { ...event, thread_id: "<thread>" } : event;
    const execShaped = events.filter((event) => !APP_SERVER_ONLY.has(event.type));
    expect(execShaped.map((e) => sameThread(e as ThreadEvent))).toEqual(viaExec.map(sameThread));
    expect(execShaped[0]).toEqual({ type: "thread.started", thread_id: threadId });

    const deltas = events.filter((e): e is ItemDeltaEvent => e.type === "item.delta");
    const answer = deltas.filter((d) => d.kind === "agent_message");
    expect(answer.length).toBeGreaterThan(2);
    expect(new Set(answer.map((d) => d.item_id))).toEqual(new Set(["item_1"]));
    expect(answer.map((d) => d.delta).join("")).toBe("The answer is 42.");
    const thoughts = deltas.filter((d) => d.kind === "reasoning_summary");
    expect(thoughts.map((d) => d.delta).join("")).toBe("Thinking it over");
  });

  it("runs a command whose approval is accepted: it ran, and the turn completed", async () => {
    const rig = await appServer();
    const file = path.join(rig.workdir, "accepted.txt");
    rig.standIn.enqueue(...touching(file));
    const asked: ApprovalRequestedEvent[] = [];
    const threadId = await rig.startThread("untrusted");
    const { events, outcome } = await rig.runTurn(threadId, "make the file", (request) => {
      asked.push(request);
      return "accept";
    });

    expect(asked).toEqual([
      expect.objectContaining({
        kind: "command",
        command: expect.stringContaining(`touch ${file}`),
      }),
    ]);
    expect(existsSync(file)).toBe(true);
    expect(events).toContainEqual(
      expect.objectContaining({ type: "approval.resolved", decision: "accept" }),
    );
    expect(events).toContainEqual({
      type: "item.completed",
      item: expect.objectContaining({
        type: "command_execution",
        exit_code: 0,
        status: "completed",
      }),
    });
    expect(outcome).toBe("completed");
    expect(events.at(-1)).toMatchObject({ type: "turn.completed" });
  });

  it("does not run a command whose approval is declined, and the turn still completes", async () => {
    const rig = await appServer();
    const file = path.join(rig.workdir, "declined.txt");
    rig.standIn.enqueue(reply(escalatedCommand(`touch ${file}`)), reply(message("done")));
    const threadId = await rig.startThread("on-request", "read-only");
    const { events, outcome } = await rig.runTurn(threadId, "make the file", () => "decline");

    expect(existsSync(file)).toBe(false);
    expect(events).toContainEqual(
      expect.objectContaining({ type: "approval.resolved", decision: "decline" }),
    );
    expect(events).toContainEqual({
      type: "item.completed",
      item: expect.objectContaining({ type: "command_execution", status: "declined" }),
    });
    expect(outcome).toBe("completed");
    expect(events.at(-1)).toMatchObject({ type: "turn.completed" });
    expect(rig.standIn.requests).toHaveLength(2);
  });

  it("ends the turn interrupted when an approval is cancelled: the command did not run", async () => {
    const rig = await appServer();
    const file = path.join(rig.workdir, "cancelled.txt");
    rig.standIn.enqueue(...touching(file));
    const threadId = await rig.startThread("untrusted");
    const { events, outcome } = await rig.runTurn(threadId, "make the file", () => "cancel");

    expect(outcome).toBe("interrupted");
    expect(existsSync(file)).toBe(false);
    expect(events.map((e) => e.type)).not.toContain("turn.completed");
    expect(rig.standIn.requests).toHaveLength(1);
  });
});
