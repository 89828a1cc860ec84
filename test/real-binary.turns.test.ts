import { describe, expect, it } from "@jest/globals";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TransportName } from "../src/index.js";
import { httpError, message, reply, responseFailed } from "../src/model-stand-in/index.js";
import { MODEL, realCodex, type RealCodexRig } from "./support/real-codex.js";

const inputOf = (rig: RealCodexRig, index: number) =>
  JSON.stringify(rig.standIn.requests[index]?.body.input);

/** A 1×1 PNG, enough for the binary to attach it as an image. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

describe.each<TransportName>(["exec", "app-server"])(
  "run() on the real codex binary (%s)",
  (transport) => {
    /** The rig, a `Codex` on this transport, and a thread of it. */
    async function setUp(script: Parameters<typeof realCodex>[0]) {
      const rig = await realCodex(script);
      const codex = rig.makeCodex({ transport });
      return { rig, codex, thread: rig.startThread(codex) };
    }

    it("returns the items, final response, usage and thread id", async () => {
      const { rig, thread } = await setUp([reply(message("The answer is 42."))]);
      expect(thread.id).toBeNull();

      const turn = await thread.run("What is the answer?");

      expect(turn.finalResponse).toBe("The answer is 42.");
      expect(turn.items).toEqual([
        { id: "item_0", type: "agent_message", text: "The answer is 42." },
      ]);
      expect(turn.usage).toEqual({
        input_tokens: 42,
        cached_input_tokens: 12,
        cache_write_input_tokens: 0,
        output_tokens: 5,
        reasoning_output_tokens: 1,
      });
      expect(thread.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(rig.standIn.requests[0]!.headers["thread-id"]).toBe(thread.id);
      expect(inputOf(rig, 0)).toContain("What is the answer?");
    });

    it("continues the thread over three runs: same id, the model sees the earlier answers, usage adds up", async () => {
      const { rig, thread } = await setUp([
        reply(message("First answer: blue.")),
        reply(message("Second answer.")),
        reply(message("Third answer.")),
      ]);
      await thread.run("Pick a colour");
      const firstId = thread.id;
      await thread.run("Why that one?");
      const third = await thread.run("Sure?");

      expect(thread.id).toBe(firstId);
      expect(rig.standIn.requests.map((r) => r.headers["thread-id"])).toEqual([
        firstId,
        firstId,
        firstId,
      ]);
      expect(inputOf(rig, 1)).toContain("First answer: blue.");
      expect(inputOf(rig, 1)).toContain("Why that one?");
      expect(inputOf(rig, 2)).toContain("Second answer.");
      expect(third.items).toEqual([{ id: "item_0", type: "agent_message", text: "Third answer." }]);
      // Both transports report the thread's running totals, as codex exec does.
      expect(third.usage).toMatchObject({ input_tokens: 126, output_tokens: 15 });
    });

    it("resumes a thread by id from another Codex instance", async () => {
      const {
        rig,
        codex,
        thread: first,
      } = await setUp([
        reply(message("Remember: the password is swordfish.")),
        reply(message("ok")),
      ]);
      await first.run("Remember something");
      await codex.shutdown(); // an app-server holds its threads until it ends (see below)

      const resumed = rig
        .makeCodex({ transport })
        .resumeThread(first.id!, { model: MODEL, skipGitRepoCheck: true });
      expect(resumed.id).toBe(first.id);
      await resumed.run("What was it?");

      expect(inputOf(rig, 1)).toContain("the password is swordfish");
      expect(resumed.id).toBe(first.id);
    });

    it("hands the thread's options to the binary: model, sandbox, effort, folders, network, web search; the key only as a bearer token", async () => {
      const { rig, codex } = await setUp([reply(message("ok"))]);
      await codex
        .startThread({
          model: MODEL,
          sandboxMode: "workspace-write",
          modelReasoningEffort: "high",
          additionalDirectories: [rig.home],
          networkAccessEnabled: true,
          webSearchMode: "live",
          skipGitRepoCheck: true,
          workingDirectory: rig.workdir,
        })
        .run("hi");

      const request = rig.standIn.requests[0]!;
      expect(request.body.model).toBe(MODEL);
      expect(request.body.reasoning).toMatchObject({ effort: "high" });
      expect(request.body.tools).toContainEqual(expect.objectContaining({ type: "web_search" }));
      expect(request.headers.authorization).toBe("Bearer test-key");
      expect(JSON.parse(String(request.headers["x-codex-turn-metadata"]))).toMatchObject({
        sandbox_mode: "workspace-write",
        model: MODEL,
        reasoning_effort: "high",
      });
      const input = inputOf(rig, 0);
      expect(input).toContain(`<cwd>${rig.workdir}</cwd>`);
      expect(input).toContain(`\`${rig.home}\``); // among the writable roots
      expect(input).toContain("Network access is enabled.");
      // Without approvalPolicy and onApproval, nothing is asked on either transport.
      expect(input).toContain("Approval policy is currently never.");
    });

    it("joins text segments with a blank line and sends images before the text", async () => {
      const { rig, thread } = await setUp([reply(message("ok"))]);
      const image = path.join(rig.workdir, "dot.png");
      writeFileSync(image, PNG);
      await thread.run([
        { type: "text", text: "Part one." },
        { type: "local_image", path: image },
        { type: "text", text: "Part two." },
      ]);
      const input = inputOf(rig, 0);
      expect(input).toContain(JSON.stringify("Part one.\n\nPart two.").slice(1, -1));
      expect(input).toContain(`"image_url":"data:image/png;base64,${PNG.toString("base64")}"`);
      expect(input.indexOf("input_image")).toBeLessThan(input.indexOf("Part one."));
    });

    it("sends the output schema as text.format and returns typed output", async () => {
      const { rig, thread } = await setUp([reply(message('{"answer":42}'))]);
      const outputSchema = {
        type: "object",
        properties: { answer: { type: "number" } },
        required: ["answer"],
        additionalProperties: false,
      };

      const turn = await thread.run<{ answer: number }>("Answer in JSON", { outputSchema });

      expect(turn.output).toEqual({ answer: 42 });
      const format = (rig.standIn.requests[0]!.body.text as { format?: { schema?: unknown } })
        .format;
      expect(format?.schema).toEqual(outputSchema);
    });

    it("rejects a failed turn with TurnFailedError carrying the model's own message", async () => {
      const { thread } = await setUp([
        responseFailed("invalid_prompt", "Your prompt was flagged by the stand-in"),
      ]);
      await expect(thread.run("hi")).rejects.toMatchObject({
        name: "TurnFailedError",
        kind: "turn_failed",
        message: expect.stringContaining("Your prompt was flagged by the stand-in"),
      });
    });

    it("rejects an HTTP 401 with the service's message rather than an exit code", async () => {
      const { thread } = await setUp([httpError(401, "Incorrect API key provided")]);
      const failure = thread.run("hi");
      await expect(failure).rejects.toThrow(/401 Unauthorized.*Incorrect API key provided/);
      await expect(failure).rejects.not.toThrow(/exited with code/);
    });
  },
);

describe("run() on the real codex binary (app-server only)", () => {
  it("runs outside a git repository without skipGitRepoCheck: the server has no such check", async () => {
    const rig = await realCodex([reply(message("ran"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const thread = codex.startThread({ model: MODEL, workingDirectory: rig.workdir });
    expect((await thread.run("hi")).finalResponse).toBe("ran");
  });

  it("refuses to resume a thread another Codex's server still holds, with the server's reason", async () => {
    const rig = await realCodex([reply(message("first")), reply(message("second"))]);
    const holder = rig.makeCodex({ transport: "app-server" });
    const first = rig.startThread(holder);
    await first.run("one");
    const resumed = rig
      .makeCodex({ transport: "app-server" })
      .resumeThread(first.id!, { model: MODEL, skipGitRepoCheck: true });

    // As exec refuses a second writer: CodexConfigError, with the server's words.
    await expect(resumed.run("two")).rejects.toMatchObject({
      name: "CodexConfigError",
      refusal: expect.stringContaining("already has an active writer"),
    });
    await holder.shutdown();
    expect((await resumed.run("two")).finalResponse).toBe("second");
  });
});

// exec only: the schema file, the git check and the exit code belong to `codex exec`'s argv and process.
describe("run() on the real codex binary (exec only)", () => {
  it("writes the output schema to a temp file for --output-schema and removes it", async () => {
    const rig = await realCodex([reply(message('{"answer":42}'))]);
    const argvs: string[][] = [];
    const codex = rig.makeCodex({
      inspect: (event) => {
        const context = (event as { snapshot?: { context?: { process?: { argv?: string[] } } } })
          .snapshot?.context;
        if (context?.process?.argv) argvs.push(context.process.argv);
      },
    });
    await rig.startThread(codex).run("Answer in JSON", { outputSchema: { type: "object" } });

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

  it("a failed turn carries codex exec's exit code", async () => {
    const rig = await realCodex([responseFailed("invalid_prompt", "flagged")]);
    await expect(rig.startThread().run("hi")).rejects.toMatchObject({
      name: "TurnFailedError",
      exitCode: 1,
    });
  });
});
