import { randomUUID } from "node:crypto";
import type { CodexTool, ToolResult } from "../types/tools.js";
import { runToolCall } from "./tool-call.js";

/** The `config` a thread's codex needs to reach its tools: dotted keys, JSON values. */
export type ToolConfig = Record<string, string | boolean | readonly string[]>;

/**
 * One thread's tools as the tool server serves them, and the turn its calls belong to: a turn's
 * end aborts the calls still running for it.
 */
export class ToolRoute {
  /** The route's path segment: random, so a route cannot be guessed from another's. */
  readonly id = randomUUID();
  /** The codex thread, once its first turn reported it. */
  threadId: string | null = null;
  /** What codex is told to reach this route (`mcp_servers.host.*`), once it is served. */
  config: ToolConfig | null = null;
  /** The turns put in the thread's mailbox and not settled yet, oldest (the running one) first. */
  readonly #turns: number[] = [];
  /** Aborted when the running turn settles: the calls made for it. */
  #running = new AbortController();

  constructor(readonly tools: readonly CodexTool[]) {}

  /** Turn `id` joined the thread's mailbox. */
  queued(id: number): void {
    this.#turns.push(id);
  }

  /** Turn `id` settled: if it was running, the calls still running for it are aborted. */
  settled(id: number): void {
    const index = this.#turns.indexOf(id);
    if (index === -1) return;
    this.#turns.splice(index, 1);
    if (index > 0) return;
    this.#running.abort(new Error("its turn ended"));
    this.#running = new AbortController();
  }

  /** The thread is gone or its Codex shut down: every running call is aborted. */
  close(): void {
    this.#turns.length = 0;
    this.#running.abort(new Error("its thread ended"));
  }

  /** The tools as MCP lists them. */
  list(): { name: string; description: string; inputSchema: { type: "object" } }[] {
    return this.tools.map(({ name, description, inputSchema }) => ({
      name,
      description,
      inputSchema: inputSchema as { type: "object" },
    }));
  }

  /**
   * Answers a call codex made now, for the current turn (`request` is aborted if codex cancels
   * it); never rejects.
   */
  call(name: string, args: unknown, request: AbortSignal): Promise<ToolResult> {
    const tool = this.tools.find((candidate) => candidate.name === name);
    if (!tool)
      return Promise.resolve({
        content: [{ type: "text", text: `no tool named ${name} on this thread` }],
        isError: true,
      });
    return runToolCall(tool, args, {
      threadId: this.threadId,
      turnId: this.#turns[0] ?? null,
      request,
      turn: this.#running.signal,
    });
  }
}
