/** What a tool's handler is told besides its arguments. */
export type ToolCallContext = {
  /**
   * Aborted when the call is no longer wanted: its turn ended (completed, failed, aborted,
   * interrupted, timed out), the Codex shut down, or the tool's `timeoutMs` passed.
   */
  signal: AbortSignal;
  /** The codex thread the call belongs to (null before its first turn reported an id). */
  threadId: string | null;
  /** The library's id of the turn that made the call (counting from 1 per `Codex`). */
  turnId: number | null;
};

/** One part of a tool's result, as MCP says it. */
export type ToolContent =
  { type: "text"; text: string } | { type: "image"; data: string; mimeType: string };

/** A tool's result in MCP's own shape (`isError: true`: the model sees a failed call). */
export type ToolResult = {
  content: ToolContent[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

/** A function of the host program the agent can call, declared with `tool()`. */
export type CodexTool<Args = unknown> = {
  /** The name the model calls it by: letters, digits, `_` and `-`, at most 64. */
  readonly name: string;
  /** What it does, for the model. */
  readonly description: string;
  /** The JSON Schema of its arguments (an object schema); calls that break it never run. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  /**
   * Runs a call. It returns (or resolves to) text, a `ToolResult`, or any other JSON value (sent
   * as its JSON text, and as `structuredContent` when an object). A throw, a rejection, a value
   * that is none of these or a timeout becomes an error result the model sees.
   */
  handler(args: Args, context: ToolCallContext): unknown;
  /** How long a call may run before it is aborted and answered with an error (default 60 000). */
  readonly timeoutMs: number;
  /** Codex asks `onApproval` before each call (app-server transport). */
  readonly needsApproval: boolean;
};
