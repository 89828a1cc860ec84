import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { Codex, type ThreadEvent, type TransportName } from "../src/index.js";
import type { AppServerEvent } from "../src/types/app-server.js";
import { addFile, message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { MODEL, realCodex } from "./support/real-codex.js";
import { tracked } from "./support/rig-registry.js";

describe.each<TransportName>(["exec", "app-server"])(
  "runStreamed() and concurrency on the real codex binary (%s)",
  (transport) => {
    it("streams events in protocol order, with real command_execution and file_change items", async () => {
      const rig = await realCodex([
        reply(shellCommand("echo streamed-output")),
        reply(addFile("hello.txt", "hi there")),
        reply(message("done")),
      ]);
      const thread = rig.startThread(rig.makeCodex({ transport }));
      const { events } = await thread.runStreamed("work");
      const all: Array<ThreadEvent | AppServerEvent> = [];
      for await (const event of events) all.push(event);
      // What only the app-server adds (the turn's diff) is left out, as an exec-era consumer ignores it.
      const seen = all.filter((e): e is ThreadEvent => e.type !== "turn.diff");
      if (transport === "app-server")
        expect(all).toContainEqual({
          type: "turn.diff",
          diff: expect.stringContaining("hello.txt"),
        });

      const shape = seen.map((e) =>
        "item" in e ? `${e.type}:${e.item.id}:${e.item.type}` : e.type,
      );
      expect(shape).toEqual([
        "thread.started",
        "turn.started",
        "item.started:item_0:command_execution",
        "item.completed:item_0:command_execution",
        "item.started:item_1:file_change",
        "item.completed:item_1:file_change",
        "item.completed:item_2:agent_message",
        "turn.completed",
      ]);
      expect(seen[0]).toEqual({ type: "thread.started", thread_id: thread.id });
      const command = seen.find(
        (e) => e.type === "item.completed" && e.item.type === "command_execution",
      );
      expect(command).toMatchObject({
        item: {
          command: expect.stringContaining("echo streamed-output"),
          status: "completed",
          exit_code: 0,
          aggregated_output: expect.stringContaining("streamed-output"),
        },
      });
      const started = seen.find((e) => e.type === "item.started" && e.item.type === "file_change");
      expect(started).toMatchObject({ item: { status: "in_progress" } });
      const change = seen.find((e) => e.type === "item.completed" && e.item.type === "file_change");
      expect(change).toMatchObject({
        item: {
          status: "completed",
          changes: [{ kind: "add", path: expect.stringContaining("hello.txt") }],
        },
      });
      expect(readFileSync(path.join(rig.workdir, "hello.txt"), "utf8")).toBe("hi there\n");
    });

    it("runs three threads at once, each with its own conversation", async () => {
      const rig = await realCodex([
        reply(message("one")),
        reply(message("two")),
        reply(message("three")),
      ]);
      const codex = rig.makeCodex({ transport });
      const threads = [0, 1, 2].map(() => rig.startThread(codex));
      const turns = await Promise.all(threads.map((thread, i) => thread.run(`prompt ${i}`)));

      expect(turns.map((t) => t.finalResponse).sort()).toEqual(["one", "three", "two"]);
      expect(rig.standIn.requests).toHaveLength(3);
      const ids = rig.standIn.requests.map((r) => r.headers["thread-id"]);
      expect(new Set(ids)).toEqual(new Set(threads.map((thread) => thread.id)));
    });

    it("runs the binary and its commands in the rig's environment: its own HOME and CODEX_HOME, nothing of the host's", async () => {
      expect(process.env.JEST_WORKER_ID).toBeDefined();
      const probe =
        'printf "%s|%s|%s|" "$HOME" "$CODEX_HOME" "${JEST_WORKER_ID:-unset}"; shopt -q login_shell && echo login || echo plain';
      const rig = await realCodex([reply(shellCommand(probe)), reply(message("done"))]);
      const turn = await rig.startThread(rig.makeCodex({ transport })).run("where am I?");

      const command = turn.items.find((item) => item.type === "command_execution");
      expect(command).toMatchObject({ exit_code: 0 });
      expect(rig.home).not.toBe(homedir());
      expect((command as { aggregated_output: string }).aggregated_output.trim()).toBe(
        `${rig.home}|${rig.codexHome}|unset|plain`,
      );
      expect(readdirSync(rig.home)).toEqual([]);
      expect(readdirSync(path.join(rig.codexHome, "sessions"))).not.toHaveLength(0);
    });

    it("rejects with CodexNotFoundError, saying how to install, when the binary is missing", async () => {
      const missing = path.join(tmpdir(), "no-such-codex");
      const codex = tracked(new Codex({ codexPathOverride: missing, transport }));
      expect(existsSync(missing)).toBe(false);
      await expect(codex.startThread({ model: MODEL }).run("hi")).rejects.toMatchObject({
        name: "CodexNotFoundError",
        kind: "binary_not_found",
        message: expect.stringContaining("npm install @openai/codex"),
      });
    });
  },
);
