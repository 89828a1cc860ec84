import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { Codex, type ThreadEvent } from "../src/index.js";
import {
  addFile,
  httpError,
  message,
  reply,
  responseFailed,
  shellCommand,
} from "../src/model-stand-in/index.js";
import { MODEL, realCodex, type RealCodexRig } from "./support/real-codex.js";
import { tracked } from "./support/rig-registry.js";

const inputOf = (rig: RealCodexRig, index: number) =>
  JSON.stringify(rig.standIn.requests[index]?.body.input);

describe("run() on the real codex binary", () => {
  it("returns the items, final response, usage and thread id", async () => {
    const rig = await realCodex([reply(message("The answer is 42."))]);
    const thread = rig.startThread();
    expect(thread.id).toBeNull();

    const turn = await thread.run("What is the answer?");

    expect(turn.finalResponse).toBe("The answer is 42.");
    expect(turn.items).toEqual([
      expect.objectContaining({ type: "agent_message", text: "The answer is 42." }),
    ]);
    expect(turn.usage).toEqual({
      input_tokens: 42,
      cached_input_tokens: 12,
      cache_write_input_tokens: 0,
      output_tokens: 5,
      reasoning_output_tokens: 1,
    });
    expect(thread.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(inputOf(rig, 0)).toContain("What is the answer?");
  });

  it("continues the thread on a second run: the model sees the first answer", async () => {
    const rig = await realCodex([
      reply(message("First answer: blue.")),
      reply(message("Second answer.")),
    ]);
    const thread = rig.startThread();
    await thread.run("Pick a colour");
    const firstId = thread.id;
    await thread.run("Why that one?");

    expect(thread.id).toBe(firstId);
    expect(inputOf(rig, 1)).toContain("First answer: blue.");
    expect(inputOf(rig, 1)).toContain("Why that one?");
  });

  it("resumes a thread by id from another Codex instance", async () => {
    const rig = await realCodex([
      reply(message("Remember: the password is swordfish.")),
      reply(message("ok")),
    ]);
    const first = rig.startThread();
    await first.run("Remember something");

    const resumed = rig
      .makeCodex()
      .resumeThread(first.id!, { model: MODEL, skipGitRepoCheck: true });
    expect(resumed.id).toBe(first.id);
    await resumed.run("What was it?");

    expect(inputOf(rig, 1)).toContain("the password is swordfish");
    expect(resumed.id).toBe(first.id);
  });

  it("hands model, sandbox and the API key to the binary, the key only as a bearer token", async () => {
    const rig = await realCodex([reply(message("ok"))]);
    await rig.codex
      .startThread({
        model: MODEL,
        sandboxMode: "read-only",
        skipGitRepoCheck: true,
        workingDirectory: rig.workdir,
      })
      .run("hi");

    const request = rig.standIn.requests[0]!;
    expect(request.body.model).toBe(MODEL);
    expect(request.headers.authorization).toBe("Bearer test-key");
    expect(JSON.parse(String(request.headers["x-codex-turn-metadata"]))).toMatchObject({
      sandbox_mode: "read-only",
      model: MODEL,
    });
  });

  it("joins text segments with a blank line", async () => {
    const rig = await realCodex([reply(message("ok"))]);
    await rig.startThread().run([
      { type: "text", text: "Part one." },
      { type: "text", text: "Part two." },
    ]);
    expect(inputOf(rig, 0)).toContain(JSON.stringify("Part one.\n\nPart two.").slice(1, -1));
  });

  it("sends the output schema as text.format, returns typed output and removes the schema file", async () => {
    const rig = await realCodex([reply(message('{"answer":42}'))]);
    const argvs: string[][] = [];
    const codex = rig.makeCodex({
      inspect: (event) => {
        const context = (event as { snapshot?: { context?: { process?: { argv?: string[] } } } })
          .snapshot?.context;
        if (context?.process?.argv) argvs.push(context.process.argv);
      },
    });
    const outputSchema = {
      type: "object",
      properties: { answer: { type: "number" } },
      required: ["answer"],
      additionalProperties: false,
    };

    const turn = await codex
      .startThread({ model: MODEL, skipGitRepoCheck: true, workingDirectory: rig.workdir })
      .run<{ answer: number }>("Answer in JSON", { outputSchema });

    expect(turn.output).toEqual({ answer: 42 });
    const format = (rig.standIn.requests[0]!.body.text as { format?: { schema?: unknown } }).format;
    expect(format?.schema).toEqual(outputSchema);
    const argv = argvs[0]!;
    const schemaPath = argv[argv.indexOf("--output-schema") + 1]!;
    expect(schemaPath).toMatch(/codex-output-schema-.*schema\.json$/);
    expect(existsSync(path.dirname(schemaPath))).toBe(false);
  });

  it("rejects outside a git repository without skipGitRepoCheck, with the binary's message", async () => {
    const rig = await realCodex([reply(message("never sent"))]);
    const thread = rig.codex.startThread({ model: MODEL, workingDirectory: rig.workdir });
    const failure = thread.run("hi");
    await expect(failure).rejects.toMatchObject({
      name: "UntrustedDirectoryError",
      kind: "untrusted_directory",
      message: expect.stringContaining("Not inside a trusted directory"),
    });
    expect(rig.standIn.requests).toHaveLength(0);
  });

  it("rejects a failed turn with the model's own message", async () => {
    const rig = await realCodex([
      responseFailed("invalid_prompt", "Your prompt was flagged by the stand-in"),
    ]);
    await expect(rig.startThread().run("hi")).rejects.toMatchObject({
      name: "TurnFailedError",
      kind: "turn_failed",
      message: expect.stringContaining("Your prompt was flagged by the stand-in"),
      exitCode: 1,
    });
  });

  it("rejects an HTTP 401 with the service's message rather than the exit code", async () => {
    const rig = await realCodex([httpError(401, "Incorrect API key provided")]);
    const failure = rig.startThread().run("hi");
    await expect(failure).rejects.toThrow(/401 Unauthorized.*Incorrect API key provided/);
    await expect(failure).rejects.not.toThrow(/exited with code/);
  });

  it("streams events in protocol order, with real command_execution and file_change items", async () => {
    const rig = await realCodex([
      reply(shellCommand("echo streamed-output")),
      reply(addFile("hello.txt", "hi there")),
      reply(message("done")),
    ]);
    const { events } = await rig.startThread().runStreamed("work");
    const seen: ThreadEvent[] = [];
    for await (const event of events) seen.push(event);

    const shape = seen.map((e) => ("item" in e ? `${e.type}:${e.item.type}` : e.type));
    expect(shape).toEqual([
      "thread.started",
      "turn.started",
      "item.started:command_execution",
      "item.completed:command_execution",
      "item.started:file_change",
      "item.completed:file_change",
      "item.completed:agent_message",
      "turn.completed",
    ]);
    const command = seen.find(
      (e) => e.type === "item.completed" && e.item.type === "command_execution",
    );
    expect(command).toMatchObject({
      item: {
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
    const { standIn } = rig;
    const turns = await Promise.all(["a", "b", "c"].map((prompt) => rig.startThread().run(prompt)));

    expect(turns.map((t) => t.finalResponse).sort()).toEqual(["one", "three", "two"]);
    expect(standIn.requests).toHaveLength(3);
    expect(new Set(standIn.requests.map((r) => r.headers["thread-id"])).size).toBe(3);
  });

  it("runs the binary and its commands in the rig's environment: its own HOME and CODEX_HOME, nothing of the host's", async () => {
    expect(process.env.JEST_WORKER_ID).toBeDefined();
    const probe =
      'printf "%s|%s|%s|" "$HOME" "$CODEX_HOME" "${JEST_WORKER_ID:-unset}"; shopt -q login_shell && echo login || echo plain';
    const rig = await realCodex([reply(shellCommand(probe)), reply(message("done"))]);
    const turn = await rig.startThread().run("where am I?");

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
    const codex = tracked(new Codex({ codexPathOverride: path.join(tmpdir(), "no-such-codex") }));
    expect(existsSync(path.join(tmpdir(), "no-such-codex"))).toBe(false);
    await expect(codex.startThread().run("hi")).rejects.toMatchObject({
      name: "CodexNotFoundError",
      kind: "binary_not_found",
      message: expect.stringContaining("npm install @openai/codex"),
    });
  });
});
