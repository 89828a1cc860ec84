import { describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { AbortError, Codex, IdleTimeoutError, TurnFailedError } from "../src/index.js";
import {
  codexProcessesLeft,
  collectTurn,
  expectNoCodexProcesses,
  reply,
  startModelStandIn,
} from "../src/testing/index.js";
import { kitStandIn } from "./support/kit.js";

// The kit's model stand-in (codex-actors/testing): every reply kind, as the real binary sees it
// (the stand-in's request log and the turn's items agree), per-request matching, both
// transports, and a close that leaves nothing behind.

describe("startModelStandIn: every reply kind, seen by the real binary", () => {
  it("message: the final response; the request names the model, the prompt and codex's tools", async () => {
    const { standIn, codex } = await kitStandIn([reply.message("Hello.")]);
    const turn = await codex.startThread(standIn.threadOptions).run("Say hello");
    expect(turn.finalResponse).toBe("Hello.");
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({ index: 0, model: "gpt-5.5" });
    expect(standIn.requests[0]!.userTexts.at(-1)).toBe("Say hello");
    expect(standIn.requests[0]!.tools).toContain("exec_command");
    expect(standIn.requests[0]!.headers.authorization).toBe("Bearer stand-in-key");
  });

  it("deltas: a message streamed in pieces arrives whole", async () => {
    const { standIn, codex } = await kitStandIn([reply.deltas("one two three four")]);
    const { events } = await codex.startThread(standIn.threadOptions).runStreamed("Count");
    const turn = await collectTurn(events);
    expect(turn.error).toBeUndefined();
    expect(turn.finalResponse).toBe("one two three four");
    expect(turn.usage).not.toBeNull();
    expect(turn.threadId).toEqual(expect.any(String));
  });

  it("reasoning: a reasoning item, then the final message", async () => {
    const { standIn, codex } = await kitStandIn([reply.reasoning("Thinking it over.", "Done.")]);
    const turn = await codex.startThread(standIn.threadOptions).run("Think");
    expect(turn.items.map((item) => item.type)).toEqual(["reasoning", "agent_message"]);
    expect(turn.items[0]).toMatchObject({ text: expect.stringContaining("Thinking it over.") });
    expect(turn.finalResponse).toBe("Done.");
  });

  it("command: codex runs it, and its output reaches the next request", async () => {
    const { standIn, codex } = await kitStandIn([
      reply.command("echo kit-output"),
      reply.message("Ran it."),
    ]);
    const turn = await codex.startThread(standIn.threadOptions).run("Run it");
    const command = turn.items.find((item) => item.type === "command_execution");
    expect(command).toMatchObject({
      command: expect.stringContaining("echo kit-output"),
      aggregated_output: expect.stringContaining("kit-output"),
      exit_code: 0,
    });
    expect(standIn.requests).toHaveLength(2);
    const outputs = standIn.requests[1]!.input.filter((i) => i.type === "function_call_output");
    expect(JSON.stringify(outputs)).toContain("kit-output");
    expect(turn.finalResponse).toBe("Ran it.");
  });

  it("patch and addFile: codex applies them (file_change items) in the working folder", async () => {
    const { standIn, codex } = await kitStandIn([
      reply.addFile("added.txt", "added"),
      reply.patch("*** Begin Patch\n*** Add File: patched.txt\n+patched\n*** End Patch"),
      reply.message("Written."),
    ]);
    const turn = await codex.startThread(standIn.threadOptions).run("Write them");
    const changes = turn.items.filter((item) => item.type === "file_change");
    expect(changes).toHaveLength(2);
    expect(readFileSync(path.join(standIn.workdir, "added.txt"), "utf8").trim()).toBe("added");
    expect(readFileSync(path.join(standIn.workdir, "patched.txt"), "utf8").trim()).toBe("patched");
    expect(standIn.requests).toHaveLength(3);
  });

  it("httpError and responseFailed: the turn fails with the service's words", async () => {
    const { standIn, codex } = await kitStandIn([
      reply.httpError(401, "Incorrect API key provided"),
      reply.responseFailed("the stand-in failed this response"),
    ]);
    const thread = codex.startThread(standIn.threadOptions);
    const unauthorized = await thread.run("one").catch((error: unknown) => error);
    expect(unauthorized).toBeInstanceOf(TurnFailedError);
    expect((unauthorized as Error).message).toMatch(/401|Incorrect API key/);
    const failed = await thread.run("two").catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(TurnFailedError);
    expect((failed as Error).message).toContain("the stand-in failed this response");
    expect(standIn.requests).toHaveLength(2);
  });

  it("hang: the request stays open until the turn is stopped (aborted as it arrives)", async () => {
    const controller = new AbortController();
    const { standIn, codex } = await kitStandIn(
      [reply.hang()],
      { supervision: false },
      { onRequest: () => controller.abort() },
    );
    const error = await codex
      .startThread(standIn.threadOptions)
      .run("wait", { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(standIn.requests).toHaveLength(1);
  });

  it("hang(ms): the connection is dropped and the turn fails", async () => {
    const { standIn, codex } = await kitStandIn([reply.hang(50)], { supervision: false });
    const error = await codex
      .startThread(standIn.threadOptions)
      .run("wait", { idleTimeoutMs: 20_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TurnFailedError);
    expect(standIn.requests).toHaveLength(1);
  });

  it("delay: the reply comes, later", async () => {
    const { standIn, codex } = await kitStandIn([reply.delay(200, reply.message("Late."))]);
    const turn = await codex.startThread(standIn.threadOptions).run("Wait for it");
    expect(turn.finalResponse).toBe("Late.");
  });

  it("matched replies answer the requests they match, whatever their place in the script", async () => {
    const { standIn, codex } = await kitStandIn([
      reply.message("in order"),
      {
        match: (request) => request.userTexts.at(-1) === "urgent",
        reply: reply.message("matched"),
      },
    ]);
    const thread = codex.startThread(standIn.threadOptions);
    expect((await thread.run("urgent")).finalResponse).toBe("matched");
    expect((await thread.run("anything")).finalResponse).toBe("in order");
  });

  it("idles out on hang with an idle bound", async () => {
    const { standIn, codex } = await kitStandIn([reply.hang()], { supervision: false });
    const error = await codex
      .startThread(standIn.threadOptions)
      .run("wait", { idleTimeoutMs: 3_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdleTimeoutError);
  });

  it('on the app-server transport: reply.command with `escalate` is asked for under "on-request"', async () => {
    const { standIn, codex } = await kitStandIn([], { transport: "app-server" }, {});
    const file = path.join(standIn.workdir, "approved.txt");
    standIn.enqueue(
      reply.command(`touch ${file}`, { escalate: "It writes." }),
      reply.message("ok"),
    );
    const asked: string[] = [];
    const thread = codex.startThread({
      ...standIn.threadOptions,
      approvalPolicy: "on-request",
      sandboxMode: "workspace-write",
      onApproval: (request) => (asked.push(request.reason ?? ""), "accept"),
    });
    const turn = await thread.run("make it");
    expect(turn.finalResponse).toBe("ok");
    expect(asked).toEqual(["It writes."]);
    expect(existsSync(file)).toBe(true);
    expect(standIn.requests).toHaveLength(2);
  });
});

describe("startModelStandIn: close()", () => {
  it("leaves no process, port or temp dir behind, even with a turn still running", async () => {
    const standIn = await startModelStandIn([reply.hang()]);
    const codex = new Codex({ ...standIn.codexOptions, supervision: false });
    const running = codex
      .startThread(standIn.threadOptions)
      .run("never answered")
      .catch((e: unknown) => e);
    while (standIn.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(codexProcessesLeft().length).toBeGreaterThan(0);
    await standIn.close();
    await running;
    await codex.shutdown();
    await expectNoCodexProcesses();
    for (const dir of [standIn.home, standIn.codexHome, standIn.workdir])
      expect({ dir, exists: existsSync(dir) }).toEqual({ dir, exists: false });
    const refused = await new Promise<string>((resolve) => {
      const req = request(`${standIn.url}/responses`, { method: "POST" }, () =>
        resolve("answered"),
      );
      req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      req.end();
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});
