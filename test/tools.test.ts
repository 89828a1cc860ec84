import { describe, expect, it } from "@jest/globals";
import { Codex, InvalidOptionError, tool, type CodexTool } from "../src/index.js";
import { releaseCollectedThread } from "../src/codex.js";
import type { CodexTools } from "../src/tools/codex-tools.js";
import { resultOf, runToolCall } from "../src/tools/tool-call.js";
import { ToolRoute } from "../src/tools/tool-route.js";
import { ToolServer } from "../src/tools/tool-server.js";

// Tools declared in code, without codex: what `tool()` and the options refuse, how a handler's
// return becomes a result, and what the loopback server lets in.

const echo = (name = "echo") =>
  tool({
    name,
    description: "Echoes.",
    inputSchema: { type: "object", properties: { text: { type: "string" } } },
    handler: ({ text }) => text ?? "",
  });

describe("tool()", () => {
  it.each([
    ["a name with a space", { name: "file result" }, "tool.name"],
    ["a schema that is no object", { inputSchema: "string" }, "tool t: inputSchema"],
    ["arguments that are no object", { inputSchema: { type: "string" } }, "tool t: inputSchema"],
    [
      "a schema ajv cannot compile",
      { inputSchema: { type: "object", properties: { a: { type: "nope" } } } },
      "tool t: inputSchema",
    ],
    ["a handler that is no function", { handler: "run" }, "tool t: handler"],
    ["a timeout of 0", { timeoutMs: 0 }, "tool t: timeoutMs"],
  ])("refuses %s with InvalidOptionError naming it", (_what, change, option) => {
    const definition = {
      name: "t",
      description: "A tool.",
      inputSchema: { type: "object" },
      handler: () => "ok",
      ...change,
    };
    expect(() => tool(definition as Parameters<typeof tool>[0])).toThrow(
      expect.objectContaining({ name: "InvalidOptionError", option }),
    );
  });

  it("refuses tools not made by tool(), and two tools of one name on a thread", () => {
    const handmade = { ...echo() } as CodexTool;
    expect(() => new Codex({ tools: [handmade] })).toThrow(InvalidOptionError);
    const codex = new Codex({ tools: [echo("same")] });
    expect(() => codex.startThread({ tools: [echo("same")] })).toThrow(/two tools are named same/);
    void codex.shutdown();
  });
});

describe("a tool call", () => {
  const scope = (turn = new AbortController().signal) => ({
    threadId: "t",
    turnId: 1,
    request: new AbortController().signal,
    turn,
  });

  it.each([
    ["text", "filed", { content: [{ type: "text", text: "filed" }] }],
    ["nothing", undefined, { content: [] }],
    [
      "an object: its JSON, and structured",
      { id: 7 },
      { content: [{ type: "text", text: '{"id":7}' }], structuredContent: { id: 7 } },
    ],
    ["an array: its JSON", [1, 2], { content: [{ type: "text", text: "[1,2]" }] }],
    [
      "an MCP result: its content, structuredContent and isError only",
      { content: [{ type: "text", text: "no" }], isError: true, extra: "dropped" },
      { content: [{ type: "text", text: "no" }], isError: true },
    ],
  ])("answers a handler that returns %s", (_what, value, result) => {
    expect(resultOf(value)).toEqual(result);
  });

  it.each([
    ["a bigint", 1n],
    [
      "a value with a cycle",
      (() => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        return cyclic;
      })(),
    ],
    ["a function", () => 1],
    [
      "an MCP result whose structuredContent holds a bigint",
      { content: [{ type: "text", text: "n" }], structuredContent: { n: 1n } },
    ],
    [
      "an object whose getter throws",
      {
        get content(): never {
          throw new Error("no content");
        },
      },
    ],
  ])("answers a handler that returns %s with an error", (_what, value) => {
    expect(resultOf(value)).toMatchObject({ isError: true });
  });

  it("answers a handler that rejects with an error result naming the tool and the reason", async () => {
    const rejects = tool({
      name: "rejects",
      description: "Rejects.",
      inputSchema: { type: "object" },
      handler: async () => {
        await Promise.resolve();
        throw new Error("the ticket system said no");
      },
    });
    await expect(runToolCall(rejects, {}, scope())).resolves.toEqual({
      content: [{ type: "text", text: "rejects failed: the ticket system said no" }],
      isError: true,
    });
  });

  it("never runs the handler on arguments that break the schema", async () => {
    let ran = false;
    const strict = tool({
      name: "strict",
      description: "Takes a count.",
      inputSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
      handler: () => (ran = true),
    });
    const result = await runToolCall(strict, { n: "one" }, scope());
    expect(result).toMatchObject({ isError: true });
    expect(result.content[0]).toMatchObject({
      text: expect.stringContaining("/n must be integer"),
    });
    expect(ran).toBe(false);
  });

  it("answers at once, without running the handler, when its turn has already ended", async () => {
    let ran = false;
    const waits = tool({
      name: "waits",
      description: "Waits.",
      inputSchema: { type: "object" },
      handler: () => (ran = true),
    });
    const ended = new AbortController();
    ended.abort();
    const result = await runToolCall(waits, {}, scope(ended.signal));
    expect(result).toEqual({
      content: [{ type: "text", text: "waits was cancelled: its turn ended" }],
      isError: true,
    });
    expect(ran).toBe(false);
  });

  it("aborts the calls running for a turn once it settles, and not for a turn still queued", async () => {
    const route = new ToolRoute([echo()]);
    route.queued(1);
    route.queued(2);
    const signals: AbortSignal[] = [];
    const held = tool({
      name: "held",
      description: "Holds.",
      inputSchema: { type: "object" },
      handler: (_args, { signal }) => {
        signals.push(signal);
        return new Promise((resolve) => signal.addEventListener("abort", () => resolve("x")));
      },
    });
    const withHeld = new ToolRoute([held]);
    withHeld.queued(1);
    withHeld.queued(2);
    const call = withHeld.call("held", {}, new AbortController().signal);
    await new Promise((resolve) => setImmediate(resolve)); // the handler runs
    withHeld.settled(2);
    expect(signals[0]?.aborted).toBe(false);
    withHeld.settled(1);
    await expect(call).resolves.toMatchObject({ isError: true });
    expect(signals[0]?.aborted).toBe(true);
    await expect(route.call("missing", {}, new AbortController().signal)).resolves.toMatchObject({
      isError: true,
      content: [{ text: "no tool named missing on this thread" }],
    });
  });
});

describe("the tool server", () => {
  const TOKEN = "a-token-of-this-test";
  it("listens on 127.0.0.1 only, refuses requests without its token, and serves only known routes", async () => {
    const server = await ToolServer.start(TOKEN);
    try {
      const route = new ToolRoute([echo()]);
      server.addRoute(route);
      const url = server.urlOf(route);
      expect(new URL(url).hostname).toBe("127.0.0.1");
      const post = (target: string, token?: string) =>
        fetch(target, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: {
              protocolVersion: "2025-06-18",
              capabilities: {},
              clientInfo: { name: "test", version: "1" },
            },
          }),
        });
      expect((await post(url)).status).toBe(401);
      expect((await post(url, "not-the-token")).status).toBe(401);
      expect((await post(url.replace(route.id, "unknown"), TOKEN)).status).toBe(404);
      const initialized = await post(url, TOKEN);
      expect(initialized.status).toBe(200);
      expect(initialized.headers.get("mcp-session-id")).toEqual(expect.any(String));
      await initialized.body?.cancel();
      server.removeRoute(route);
      expect((await post(url, TOKEN)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe("a thread garbage-collected", () => {
  it("is no longer served: its running calls are aborted, and its actor leaves the root", async () => {
    const signals: AbortSignal[] = [];
    const held = tool({
      name: "held",
      description: "Holds until aborted.",
      inputSchema: { type: "object" },
      handler: (_args, { signal }) => {
        signals.push(signal);
        return new Promise(() => undefined);
      },
    });
    const codex = new Codex();
    const tools = (codex as unknown as { runtime: { tools: CodexTools } }).runtime.tools;
    const thread = codex.startThread({ tools: [held] });
    const key = thread.actor.id;
    const route = tools.routeFor({ tools: [held] })!;
    const call = route.call("held", {}, new AbortController().signal);
    await new Promise((resolve) => setImmediate(resolve)); // the handler runs
    releaseCollectedThread({ root: codex.actor, key, tools, route });
    await expect(call).resolves.toMatchObject({ isError: true });
    expect(signals[0]?.aborted).toBe(true);
    expect(codex.actor.getSnapshot().children[key]).toBeUndefined();
    await codex.shutdown();
  });
});
