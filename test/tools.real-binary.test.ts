import { describe, expect, it } from "@jest/globals";
import {
  AbortError,
  Codex,
  ShutdownError,
  UnsupportedError,
  type ApprovalRequestedEvent,
  type CodexTool,
  tool,
  type McpToolCallItem,
  type ToolCallContext,
  type TransportName,
} from "../src/index.js";
import { message, reply, shellCommand, toolCall } from "../src/model-stand-in/index.js";
import type { Server } from "node:http";
import type { ToolServer } from "../src/tools/tool-server.js";
import { fileURLToPath } from "node:url";
import { startModelStandIn } from "../src/testing/index.js";
import { settledWithin } from "./support/deadlines.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { atTeardown } from "./support/rig-registry.js";
import { runProcess } from "./support/sample-checks.js";
import { eventually } from "./support/processes.js";
import { MODEL, realCodex, type RealCodexRig } from "./support/real-codex.js";

// Tools declared in code, called by the real binary over the loopback MCP server, on both
// transports: arguments, context, results, and every fault a handler can have.

const fileResult = (calls: Array<{ args: unknown; context: ToolCallContext }>) =>
  tool({
    name: "file_result",
    description: "Files the review's verdict.",
    inputSchema: {
      type: "object",
      properties: { verdict: { type: "string", enum: ["ship", "hold"] } },
      required: ["verdict"],
    },
    handler: (args, context) => {
      calls.push({ args, context });
      return `filed: ${args.verdict}`;
    },
  });

/** A thread of `codex` with `tools`, in the rig's working folder, sandbox off. */
const toolThread = <X extends TransportName>(
  codex: Codex<X>,
  rig: RealCodexRig,
  tools: readonly CodexTool[],
) =>
  codex.startThread({
    model: MODEL,
    skipGitRepoCheck: true,
    workingDirectory: rig.workdir,
    sandboxMode: "danger-full-access",
    tools,
  });

/** A tool `waits` whose handler tells `onCall` its signal, and answers only once it aborts. */
const waitsTool = (onCall: (signal: AbortSignal) => void) =>
  tool({
    name: "waits",
    description: "Waits until aborted.",
    inputSchema: { type: "object" },
    handler: (_args, { signal }) => {
      onCall(signal);
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve("late")));
    },
  });

/** The tool server a `Codex` runs now (read from its internals, for the tests of its faults). */
const serverOf = (codex: Codex<TransportName>): ToolServer =>
  (codex as unknown as { runtime: { tools: { server: ToolServer } } }).runtime.tools.server;

/** The function_call_output texts of the stand-in's request `index`. */
const toolOutputs = (input: unknown): string => {
  const items = (input as Array<{ type: string }>).filter(
    (item) => item.type === "function_call_output",
  );
  return JSON.stringify(items);
};

describe.each(["exec", "app-server"] as TransportName[])(
  "tools on the %s transport",
  (transport) => {
    const threadIn = (rig: RealCodexRig, tools: readonly CodexTool[]) =>
      toolThread(rig.makeCodex({ transport }), rig, tools);

    it("calls the handler with the validated arguments and the thread's context; its result reaches the model and the item", async () => {
      const calls: Array<{ args: unknown; context: ToolCallContext }> = [];
      const rig = await realCodex([
        reply(toolCall("host", "file_result", { verdict: "ship" })),
        reply(message("Filed.")),
      ]);
      const thread = threadIn(rig, [fileResult(calls)]);
      const turn = await thread.run("Review and file it");
      expect(calls).toEqual([
        {
          args: { verdict: "ship" },
          context: {
            signal: expect.any(AbortSignal),
            threadId: thread.id,
            turnId: expect.any(Number),
          },
        },
      ]);
      const item = turn.items.find(
        (each): each is McpToolCallItem => each.type === "mcp_tool_call",
      );
      expect(item).toMatchObject({
        server: "host",
        tool: "file_result",
        arguments: { verdict: "ship" },
        status: "completed",
        result: { content: [{ type: "text", text: "filed: ship" }] },
      });
      expect(toolOutputs(rig.standIn.requests[1]!.body.input)).toContain("filed: ship");
      expect(turn.finalResponse).toBe("Filed.");
    });

    it("answers a throwing, hanging, garbage-returning handler and invalid arguments with errors the model sees; the turn completes", async () => {
      const ran: string[] = [];
      let hungSignal: AbortSignal | undefined;
      const tools = [
        tool({
          name: "throws",
          description: "Always throws.",
          inputSchema: { type: "object" },
          handler: () => {
            ran.push("throws");
            throw new Error("the ticket system is down");
          },
        }),
        tool({
          name: "hangs",
          description: "Never answers.",
          inputSchema: { type: "object" },
          timeoutMs: 300,
          handler: (_args, { signal }) => {
            ran.push("hangs");
            hungSignal = signal;
            return new Promise(() => undefined);
          },
        }),
        tool({
          name: "garbage",
          description: "Returns what is no result.",
          inputSchema: { type: "object" },
          handler: () => {
            ran.push("garbage");
            return () => "a function";
          },
        }),
        tool({
          name: "strict",
          description: "Takes a count.",
          inputSchema: {
            type: "object",
            properties: { count: { type: "integer" } },
            required: ["count"],
          },
          handler: () => {
            ran.push("strict");
            return "counted";
          },
        }),
      ];
      const rig = await realCodex([
        reply(toolCall("host", "throws", {})),
        reply(toolCall("host", "hangs", {})),
        reply(toolCall("host", "garbage", {})),
        reply(toolCall("host", "strict", { count: "three" })),
        reply(message("Survived.")),
      ]);
      const turn = await threadIn(rig, tools).run("Try them all");
      expect(ran).toEqual(["throws", "hangs", "garbage"]);
      expect(hungSignal?.aborted).toBe(true);
      const outputs = rig.standIn.requests
        .slice(1)
        .map((request) => toolOutputs(request.body.input));
      expect(outputs[0]).toContain("throws failed: the ticket system is down");
      expect(outputs[1]).toContain("hangs timed out after 300 ms");
      expect(outputs[2]).toContain("not a result");
      expect(outputs[3]).toContain("invalid arguments for strict");
      const items = turn.items.filter((item) => item.type === "mcp_tool_call");
      expect(items.map((item) => item.status)).toEqual(["failed", "failed", "failed", "failed"]);
      expect(turn.finalResponse).toBe("Survived.");
    });

    it("aborts a running handler through its signal when the turn is aborted", async () => {
      const controller = new AbortController();
      let handlerSignal: AbortSignal | undefined;
      const waits = waitsTool((signal) => {
        handlerSignal = signal;
        controller.abort();
      });
      const rig = await realCodex([reply(toolCall("host", "waits", {})), reply(message("never"))]);
      const codex = rig.makeCodex({ transport });
      const thread = toolThread(codex, rig, [waits]);
      const turn = thread.run("Wait", { signal: controller.signal });
      await expect(settledWithin(turn, 30_000)).rejects.toBeInstanceOf(AbortError);
      expect(handlerSignal?.aborted).toBe(true);
      if (transport === "exec") {
        // The killed codex never said goodbye: its session ends with its connection.
        const server = serverOf(codex);
        await eventually(() => server.sessions === 0, "the killed codex's session to end");
      }
    });

    it("aborts a running handler through its signal when the Codex shuts down; shutdown resolves", async () => {
      let handlerSignal: AbortSignal | undefined;
      let shutdown: Promise<void> | undefined;
      const rig = await realCodex([reply(toolCall("host", "waits", {})), reply(message("never"))]);
      const codex = rig.makeCodex({ transport });
      const waits = waitsTool((signal) => {
        handlerSignal = signal;
        shutdown = codex.shutdown({ timeoutMs: 0 });
      });
      const thread = toolThread(codex, rig, [waits]);
      await expect(settledWithin(thread.run("Wait"), 30_000)).rejects.toBeInstanceOf(ShutdownError);
      await settledWithin(shutdown!, 30_000);
      expect(handlerSignal?.aborted).toBe(true);
    });

    it("routes each call to its own thread: a thread never reaches another's tools", async () => {
      const calls: Array<{ args: unknown; context: ToolCallContext }> = [];
      const rig = await realCodex([
        reply(toolCall("host", "file_result", { verdict: "hold" })),
        reply(message("Tried.")),
      ]);
      const other = tool({
        name: "other",
        description: "Another thread's tool.",
        inputSchema: { type: "object" },
        handler: () => "other",
      });
      threadIn(rig, [fileResult(calls)]);
      const turn = await threadIn(rig, [other]).run("Call the first thread's tool");
      expect(calls).toEqual([]);
      // Codex was never told of the first thread's tool on the second's route: it refuses the call.
      expect(toolOutputs(rig.standIn.requests[1]!.body.input)).toContain(
        "unsupported call: mcp__hostfile_result",
      );
      expect(turn.items.filter((item) => item.type === "mcp_tool_call")).toEqual([]);
      expect(turn.finalResponse).toBe("Tried.");
    });
  },
);

describe("a tool that needs approval", () => {
  const asking = (ran: string[]) =>
    tool({
      name: "deploy",
      description: "Deploys.",
      inputSchema: { type: "object", properties: { env: { type: "string" } } },
      needsApproval: true,
      handler: ({ env }) => {
        ran.push(String(env));
        return "deployed";
      },
    });

  it("asks onApproval first on the app-server (kind mcp_tool_call, with the tool and its arguments): accepted it runs, declined it does not", async () => {
    const ran: string[] = [];
    const asked: ApprovalRequestedEvent[] = [];
    const rig = await realCodex([
      reply(toolCall("host", "deploy", { env: "staging" })),
      reply(toolCall("host", "deploy", { env: "production" })),
      reply(message("Asked twice.")),
    ]);
    const codex = rig.makeCodex({
      transport: "app-server",
      onApproval: (request) => {
        asked.push(request);
        return request.arguments && JSON.stringify(request.arguments).includes("staging")
          ? "accept"
          : "decline";
      },
    });
    const thread = toolThread(codex, rig, [asking(ran)]);
    const turn = await thread.run("Deploy twice");
    expect(asked).toEqual([
      expect.objectContaining({
        kind: "mcp_tool_call",
        server: "host",
        tool: "deploy",
        arguments: { env: "staging" },
      }),
      expect.objectContaining({ kind: "mcp_tool_call", arguments: { env: "production" } }),
    ]);
    expect(ran).toEqual(["staging"]);
    const items = turn.items.filter((item) => item.type === "mcp_tool_call");
    expect(items.map((item) => item.status)).toEqual(["completed", "failed"]);
    // Each request names its call's item, as a command's approval names its item.
    expect(asked.map((request) => request.item_id)).toEqual(items.map((item) => item.id));
    expect(turn.finalResponse).toBe("Asked twice.");
  });

  it("is refused on exec, which never asks, before any process starts", async () => {
    const rig = await realCodex();
    expect(() => rig.codex.startThread({ tools: [asking([])] })).toThrow(UnsupportedError);
  });
});

describe("the tool server actor", () => {
  it("runs under the root, shows in the snapshot, and is replaced when its server stops serving: the thread's next turn calls its tool on the new one", async () => {
    const calls: Array<{ args: unknown; context: ToolCallContext }> = [];
    const rig = await realCodex([
      reply(toolCall("host", "file_result", { verdict: "ship" })),
      reply(message("First.")),
      reply(toolCall("host", "file_result", { verdict: "hold" })),
      reply(message("Second.")),
    ]);
    const codex = rig.makeCodex();
    expect(codex.getSnapshot().tools).toBeUndefined(); // never asked for: not shown
    const thread = toolThread(codex, rig, [fileResult(calls)]);
    await thread.run("File it");
    expect(codex.getSnapshot().tools).toEqual({ state: "serving", restarts: 0, lastFailure: null });
    // The server stops listening on its own (what a fault of its socket would do).
    (serverOf(codex) as unknown as { http: Server }).http.close();
    await eventually(() => codex.getSnapshot().tools?.restarts === 1, "a new tool server");
    expect(codex.getSnapshot().tools).toEqual({
      state: "serving",
      restarts: 1,
      lastFailure: "the tool server stopped listening",
    });
    const second = await thread.run("File it again");
    expect(second.finalResponse).toBe("Second.");
    expect(calls.map((call) => call.args)).toEqual([{ verdict: "ship" }, { verdict: "hold" }]);
    await codex.shutdown();
    expect(codex.getSnapshot().tools).toMatchObject({ state: "stopped" });
  });
});

describe.each(["exec", "app-server"] as TransportName[])(
  "the tool server's token on %s",
  (transport) => {
    it("is kept out of the environment of the agent's commands", async () => {
      const rig = await realCodex([
        reply(shellCommand("env | grep -c CODEX_ACTORS_TOOLS_TOKEN; echo counted")),
        reply(message("Counted.")),
      ]);
      const codex = rig.makeCodex({ transport });
      const thread = toolThread(codex, rig, [fileResult([])]);
      const turn = await thread.run("Count");
      const command = turn.items.find((item) => item.type === "command_execution");
      expect(command).toMatchObject({ aggregated_output: expect.stringMatching(/^0\ncounted/) });
    });
  },
);

describe("the tool server and the host's life", () => {
  it("does not keep a program alive that ends without shutdown()", async () => {
    const standIn = await startModelStandIn(
      [reply(toolCall("host", "echo", { text: "hi" })), reply(message("Echoed."))],
      { env: hermeticEnv() },
    );
    atTeardown("the stand-in", () => standIn.close());
    const script = fileURLToPath(new URL("./fixtures/tools-no-shutdown.mjs", import.meta.url));
    const ran = await runProcess(process.execPath, [script], {
      cwd: standIn.workdir,
      env: standIn.env,
      limitMs: 60_000,
    });
    expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 0, stdout: "Echoed.\n" });
  });

  it("starts no server for a turn after shutdown(): the turn rejects with ShutdownError", async () => {
    const rig = await realCodex();
    const codex = rig.makeCodex();
    const thread = codex.startThread({ tools: [fileResult([])] });
    await codex.shutdown();
    await expect(thread.run("Too late")).rejects.toBeInstanceOf(ShutdownError);
    expect(codex.getSnapshot().tools).toBeUndefined();
  });
});

describe("a fork on the app-server", () => {
  it("has its tools: the forked thread's turn calls them", async () => {
    const calls: Array<{ args: unknown; context: ToolCallContext }> = [];
    const rig = await realCodex([
      reply(message("Started.")),
      reply(toolCall("host", "file_result", { verdict: "hold" })),
      reply(message("Filed from the fork.")),
    ]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const thread = toolThread(codex, rig, [fileResult(calls)]);
    await thread.run("Start");
    const fork = await thread.fork();
    const turn = await fork.run("File it from the fork");
    expect(turn.finalResponse).toBe("Filed from the fork.");
    expect(calls).toEqual([
      { args: { verdict: "hold" }, context: expect.objectContaining({ threadId: fork.id }) },
    ]);
    expect(fork.id).not.toBe(thread.id);
    // After shutdown the fork's tools cannot be served: it rejects, and nothing is left served.
    await codex.shutdown();
    await expect(thread.fork()).rejects.toBeInstanceOf(ShutdownError);
  });
});

describe("a tool call and supervision", () => {
  it("counts as a side effect: an attempt that died after one is not re-run", async () => {
    const rig = await realCodex([
      reply(toolCall("host", "crash", {})),
      reply(message("never reached")),
    ]);
    const codex = rig.makeCodex();
    const crash = tool({
      name: "crash",
      description: "Its codex dies while it runs.",
      inputSchema: { type: "object" },
      handler: () => new Promise(() => undefined),
    });
    const thread = toolThread(codex, rig, [crash]);
    const { events } = await thread.runStreamed("Crash");
    // Killed once the call is reported (killed from the handler, codex could die before it
    // had written the item out).
    const failed = await (async () => {
      for await (const event of events)
        if (event.type === "item.started" && event.item.type === "mcp_tool_call")
          process.kill(codex.getSnapshot().threads[0]!.turn!.pid!, "SIGKILL");
    })().catch((error: unknown) => error);
    expect(failed).toMatchObject({
      kind: "exit",
      notRetried: expect.stringContaining("a mcp_tool_call item had started"),
    });
    expect(rig.standIn.requests).toHaveLength(1);
  });
});

describe("an interrupt on the app-server", () => {
  it("aborts the running handler through its signal", async () => {
    let handlerSignal: AbortSignal | undefined;
    const turnHandle: { interrupt?: () => Promise<void> } = {};
    const rig = await realCodex([reply(toolCall("host", "waits", {})), reply(message("never"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const waits = waitsTool((signal) => {
      handlerSignal = signal;
      void turnHandle.interrupt?.();
    });
    const thread = toolThread(codex, rig, [waits]);
    const streamed = await thread.runStreamed("Wait");
    turnHandle.interrupt = streamed.interrupt;
    const drained = (async () => {
      for await (const _event of streamed.events);
    })();
    await expect(settledWithin(drained, 30_000)).rejects.toMatchObject({
      name: "TurnInterruptedError",
    });
    expect(handlerSignal?.aborted).toBe(true);
  });
});
