import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import {
  approvalResponse,
  mapApprovalRequest,
  recordApprovalDecision,
} from "../src/transports/app-server/map-approval.js";
import { mapNotification } from "../src/transports/app-server/map-notification.js";
import {
  initialTurnMapState,
  type MappedEvent,
  type TurnMapState,
  type TurnOutcome,
} from "../src/transports/app-server/turn-map-state.js";
import type { ApprovalDecision } from "../src/types/app-server.js";

type Line = { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown };

/** Notifications and server requests the real binary sent (recorded from codex 0.169.0). */
const recorded = (name: string): Line[] =>
  readFileSync(new URL(`./fixtures/app-server/${name}.jsonl`, import.meta.url), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Line)
    .filter((line) => line.method !== undefined);

/** Maps a whole sequence, answering every approval with `decision`. */
function mapAll(lines: Line[], decision: ApprovalDecision = "accept") {
  let state: TurnMapState = initialTurnMapState();
  const events: MappedEvent[] = [];
  let outcome: TurnOutcome | undefined;
  for (const line of lines) {
    const message = { method: line.method!, params: line.params };
    const step =
      line.id === undefined
        ? mapNotification(state, message)
        : mapApprovalRequest(state, { id: line.id, ...message });
    events.push(...step.events);
    state = step.state;
    outcome = step.outcome ?? outcome;
    if (line.id !== undefined) state = recordApprovalDecision(state, line.id, decision);
  }
  return { events, outcome, state };
}

const note = (method: string, params: Record<string, unknown>) => ({ method, params });
const USAGE = {
  input_tokens: 42,
  cached_input_tokens: 12,
  cache_write_input_tokens: 0,
  output_tokens: 5,
  reasoning_output_tokens: 1,
};

describe("mapping app-server notifications to the exec path's events", () => {
  it("maps a streamed answer as codex exec prints it, plus deltas that concatenate to the texts", () => {
    const { events, outcome } = mapAll(recorded("message-with-deltas"));
    const threadId = recorded("message-with-deltas").find((l) => l.method === "thread/started")!
      .params!.thread as { id: string };
    const execShaped = events.filter((event) => event.type !== "item.delta");
    expect(execShaped).toEqual([
      { type: "thread.started", thread_id: threadId.id },
      { type: "turn.started" },
      { type: "item.completed", item: { id: "item_0", type: "reasoning", text: "thinking hard" } },
      {
        type: "item.completed",
        item: { id: "item_1", type: "agent_message", text: "The answer is 42." },
      },
      { type: "turn.completed", usage: USAGE },
    ]);
    const text = (kind: string, id: string) =>
      events
        .filter((e) => e.type === "item.delta" && e.kind === kind && e.item_id === id)
        .map((e) => (e as { delta: string }).delta);
    expect(text("agent_message", "item_1").length).toBeGreaterThan(1);
    expect(text("agent_message", "item_1").join("")).toBe("The answer is 42.");
    expect(text("reasoning_summary", "item_0").join("")).toBe("thinking hard");
    expect(outcome).toBe("completed");
  });

  it("maps an accepted command approval: requested, resolved with the decision, the command's items", () => {
    const { events, outcome, state } = mapAll(recorded("command-approval-accepted"), "accept");
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      "thread.started",
      "turn.started",
      "item.started",
      "approval.requested",
      "approval.resolved",
      "item.completed",
      "item.completed",
      "turn.completed",
    ]);
    const command = expect.stringMatching(/^\/bin\/bash -c 'touch .*ran\.txt'$/);
    expect(events[2]).toEqual({
      type: "item.started",
      item: {
        id: "item_0",
        type: "command_execution",
        command,
        aggregated_output: "",
        status: "in_progress",
      },
    });
    expect(events[3]).toEqual({
      type: "approval.requested",
      kind: "command",
      item_id: "item_0",
      command,
      request_id: 0,
      argv: ["touch", "/tmp/i9a-explore-1nOEnK/w/ran.txt"],
      simple: true,
      cwd: "/tmp/i9a-explore-1nOEnK/w",
    });
    expect(events[4]).toEqual({
      type: "approval.resolved",
      request_id: 0,
      kind: "command",
      item_id: "item_0",
      decision: "accept",
    });
    expect(events[5]).toMatchObject({ item: { id: "item_0", exit_code: 0, status: "completed" } });
    expect(events[6]).toMatchObject({
      item: { id: "item_1", type: "agent_message", text: "done" },
    });
    expect(events[7]).toMatchObject({ usage: { input_tokens: 84, output_tokens: 10 } });
    expect(outcome).toBe("completed");
    expect(state.approvals).toEqual({});
  });

  it("a command approval carries the command as its user means it, or says it cannot", () => {
    const requested = (params: Record<string, unknown>) =>
      mapApprovalRequest(initialTurnMapState(), {
        id: 7,
        method: "item/commandExecution/requestApproval",
        params: { kind: "command", itemId: "call_1", cwd: "/repo", ...params },
      }).events[0];

    expect(requested({ command: "/bin/bash -lc 'cd sub && rm -rf build'" })).toMatchObject({
      command: "/bin/bash -lc 'cd sub && rm -rf build'",
      argv: ["rm", "-rf", "build"],
      simple: true,
      cwd: "/repo/sub",
    });
    expect(requested({ command: "/bin/bash -lc 'npm test | tee log'" })).toMatchObject({
      command: "/bin/bash -lc 'npm test | tee log'",
      argv: null,
      simple: false,
      cwd: "/repo",
    });
    // An argv, as older servers sent it: read alike, and shown as one line.
    expect(requested({ command: ["bash", "-lc", "npm test"] })).toMatchObject({
      command: "bash -lc 'npm test'",
      argv: ["npm", "test"],
      simple: true,
    });
    // Input for a command already running is no command line to approve.
    expect(requested({ kind: "writeStdin", command: "npm test" })).toMatchObject({
      command: "npm test",
      argv: null,
      simple: false,
    });
    expect(requested({ command: undefined })).toEqual(
      expect.objectContaining({ argv: null, simple: false }),
    );
    expect(requested({ command: 42 })).toMatchObject({ argv: null, simple: false });
    expect(requested({ command: 42 })).not.toHaveProperty("command");
    // A working directory of the wrong shape is none: a relative cd is then not read.
    expect(requested({ command: "bash -lc 'cd sub && ls'", cwd: 42 })).toMatchObject({
      argv: null,
      simple: false,
    });
  });

  it("maps a cancelled approval: the command is declined and the turn ends interrupted, with no turn event", () => {
    const { events, outcome } = mapAll(recorded("command-approval-cancelled"), "cancel");
    expect(events.at(-2)).toMatchObject({ type: "approval.resolved", decision: "cancel" });
    expect(events.at(-1)).toMatchObject({
      type: "item.completed",
      item: { type: "command_execution", status: "declined" },
    });
    expect(outcome).toBe("interrupted");
  });

  it("reports a failed turn with the server's message and details", () => {
    let state = initialTurnMapState("t1");
    const error = { message: "boom", additionalDetails: "stream closed", codexErrorInfo: null };
    const failed = { id: "u", items: [], status: "failed", error };
    const step = mapNotification(state, note("turn/completed", { threadId: "t1", turn: failed }));
    expect(step.events).toEqual([
      { type: "turn.failed", error: { message: "boom (stream closed)" } },
    ]);
    expect(step.outcome).toBe("failed");
    state = mapNotification(state, note("error", { error, willRetry: true })).state;
    const noError = { ...failed, error: null };
    expect(
      mapNotification(state, note("turn/completed", { threadId: "t1", turn: noError })).events,
    ).toEqual([{ type: "turn.failed", error: { message: "boom (stream closed)" } }]);
  });

  it("maps the plan to a todo_list item (started, updated, completed with the turn) and turn.plan", () => {
    const plan = (status: string) => ({
      threadId: "t",
      turnId: "u",
      explanation: "why",
      plan: [{ step: "write tests", status }],
    });
    let state = initialTurnMapState("t");
    const first = mapNotification(state, note("turn/plan/updated", plan("inProgress")));
    expect(first.events).toEqual([
      {
        type: "item.started",
        item: {
          id: "item_0",
          type: "todo_list",
          items: [{ text: "write tests", completed: false }],
        },
      },
      {
        type: "turn.plan",
        explanation: "why",
        steps: [{ step: "write tests", status: "in_progress" }],
      },
    ]);
    state = mapNotification(first.state, note("turn/plan/updated", plan("completed"))).state;
    const done = { id: "u", items: [], status: "completed", error: null };
    const end = mapNotification(state, note("turn/completed", { threadId: "t", turn: done }));
    expect(end.events[0]).toEqual({
      type: "item.completed",
      item: { id: "item_0", type: "todo_list", items: [{ text: "write tests", completed: true }] },
    });
  });

  it("maps file changes (a declined patch is failed, as exec has it), diffs and command output deltas", () => {
    const change = { path: "/w/a.txt", kind: { type: "add" }, diff: "+hi" };
    const item = { type: "fileChange", id: "p1", changes: [change], status: "inProgress" };
    let step = mapNotification(initialTurnMapState("t"), note("item/started", { item }));
    expect(step.events).toEqual([
      {
        type: "item.started",
        item: {
          id: "item_0",
          type: "file_change",
          changes: [{ path: "/w/a.txt", kind: "add" }],
          status: "in_progress",
        },
      },
    ]);
    const declined = { ...item, status: "declined" };
    step = mapNotification(step.state, note("item/completed", { item: declined }));
    expect(step.events).toMatchObject([{ item: { id: "item_0", status: "failed" } }]);
    step = mapNotification(step.state, note("turn/diff/updated", { diff: "+hi" }));
    expect(step.events).toEqual([{ type: "turn.diff", diff: "+hi" }]);
    step = mapNotification(
      step.state,
      note("item/commandExecution/outputDelta", { itemId: "c1", delta: "hi\n" }),
    );
    expect(step.events).toEqual([
      { type: "item.delta", item_id: "item_1", kind: "command_output", delta: "hi\n" },
    ]);
  });

  it("maps a patch updated while it is applied to item.updated of the same file_change item", () => {
    const item = { type: "fileChange", id: "p1", changes: [], status: "inProgress" };
    let step = mapNotification(initialTurnMapState("t"), note("item/started", { item }));
    const changes = [
      { path: "/w/b.txt", kind: { type: "update", move_path: null }, diff: "-a\n+b" },
    ];
    step = mapNotification(
      step.state,
      note("item/fileChange/patchUpdated", { itemId: "p1", changes }),
    );
    expect(step.events).toEqual([
      {
        type: "item.updated",
        item: {
          id: "item_0",
          type: "file_change",
          changes: [{ path: "/w/b.txt", kind: "update" }],
          status: "in_progress",
        },
      },
    ]);
  });

  it("maps MCP tool calls (result or error) and web searches to the exec path's items", () => {
    const call = {
      type: "mcpToolCall",
      id: "m1",
      server: "docs",
      tool: "search",
      arguments: { q: "actors" },
      status: "completed",
      result: { content: [{ type: "text", text: "found" }], structuredContent: { hits: 1 } },
      error: null,
    };
    const failed = {
      ...call,
      id: "m2",
      status: "failed",
      result: null,
      error: { message: "server gone" },
    };
    const search = { type: "webSearch", id: "w1", query: "xstate v5" };
    const { events } = mapAll(
      [call, failed, search].map((item) => ({ method: "item/completed", params: { item } })),
    );
    expect(events.map((event) => (event as { item: unknown }).item)).toEqual([
      {
        id: "item_0",
        type: "mcp_tool_call",
        server: "docs",
        tool: "search",
        arguments: { q: "actors" },
        result: { content: [{ type: "text", text: "found" }], structured_content: { hits: 1 } },
        status: "completed",
      },
      {
        id: "item_1",
        type: "mcp_tool_call",
        server: "docs",
        tool: "search",
        arguments: { q: "actors" },
        error: { message: "server gone" },
        status: "failed",
      },
      { id: "item_2", type: "web_search", query: "xstate v5" },
    ]);
  });

  it("joins reasoning summary parts with a newline in the deltas, as in the item's text", () => {
    let state = initialTurnMapState("t");
    const deltas: string[] = [];
    for (const [summaryIndex, delta] of [
      [0, "a"],
      [0, "b"],
      [1, "c"],
    ] as const) {
      const step = mapNotification(
        state,
        note("item/reasoning/summaryTextDelta", { itemId: "r", delta, summaryIndex }),
      );
      state = step.state;
      deltas.push((step.events[0] as { delta: string }).delta);
    }
    expect(deltas.join("")).toBe(["ab", "c"].join("\n"));
  });

  it("passes unknown notifications and item types through untouched, and drops known housekeeping", () => {
    const state = initialTurnMapState("t");
    const unknown = note("thread/hologram/updated", { threadId: "t", beam: 1 });
    expect(mapNotification(state, unknown).events).toEqual([
      { type: "app_server.notification", ...unknown },
    ]);
    const status = note("thread/status/changed", { threadId: "t", status: { type: "idle" } });
    expect(mapNotification(state, status).events).toEqual([]);
    const item = { type: "imageView", id: "i1", path: "/w/cat.png" };
    expect(mapNotification(state, note("item/completed", { item })).events).toEqual([
      { type: "item.completed", item },
    ]);
  });

  it("never changes the state it is given", () => {
    const state = Object.freeze(initialTurnMapState("t"));
    const item = { type: "commandExecution", id: "c", command: "ls", status: "inProgress" };
    expect(() => mapNotification(state, note("item/started", { item }))).not.toThrow();
    expect(state).toEqual(initialTurnMapState("t"));
  });

  it("answers approvals as the server expects: a decision, or a permission grant", () => {
    const command = { id: 1, method: "item/commandExecution/requestApproval", params: {} };
    expect(approvalResponse(command, "decline")).toEqual({ decision: "decline" });
    const permissions = {
      id: 2,
      method: "item/permissions/requestApproval",
      params: { permissions: { network: { enabled: true }, fileSystem: null } },
    };
    expect(approvalResponse(permissions, "acceptForSession")).toEqual({
      permissions: { network: { enabled: true } },
      scope: "session",
    });
    expect(approvalResponse(permissions, "decline")).toEqual({ permissions: {}, scope: "turn" });
  });
});
