/**
 * What the local model stand-in answers to one `POST /responses`: output items to stream,
 * or a failure the real service can produce. Builders below make the items codex understands.
 */

/** One Responses API output item, as the stand-in streams it. */
export type OutputItem = Record<string, unknown> & { type: string };

/** Token counts the stand-in reports in `response.completed`. */
export type StandInUsage = {
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
};

/** A scripted answer to one model request. */
export type StandInReply =
  | {
      kind: "items";
      items: OutputItem[];
      usage?: Partial<StandInUsage>;
      delayMs?: number;
      /** Streams messages and reasoning summaries word by word before each item is done. */
      deltas?: boolean;
    }
  | { kind: "http-error"; status: number; message: string }
  | { kind: "response-failed"; code: string; message: string }
  | { kind: "hang"; ms?: number }
  | { kind: "delay"; ms: number; then: StandInReply };

let nextId = 0;
const id = (prefix: string): string => `${prefix}_${++nextId}`;

/** The assistant's final message. */
export function message(text: string): OutputItem {
  return {
    type: "message",
    role: "assistant",
    id: id("msg"),
    content: [{ type: "output_text", text }],
  };
}

/** A reasoning summary. */
export function reasoning(text: string): OutputItem {
  return { type: "reasoning", id: id("rs"), summary: [{ type: "summary_text", text }] };
}

/** A shell command the agent asks codex to run (codex emits `command_execution` items). */
export function shellCommand(cmd: string): OutputItem {
  return {
    type: "function_call",
    call_id: id("call"),
    name: "exec_command",
    arguments: JSON.stringify({ cmd }),
  };
}

/**
 * A shell command the agent asks to run outside the sandbox: under the `on-request` approval
 * policy, codex asks the user before it runs.
 */
export function escalatedCommand(cmd: string, justification = "It needs to write."): OutputItem {
  return {
    type: "function_call",
    call_id: id("call"),
    name: "exec_command",
    arguments: JSON.stringify({ cmd, sandbox_permissions: "require_escalated", justification }),
  };
}

/** A patch that adds `path` with `content` (codex emits a `file_change` item and writes it). */
export function addFile(path: string, content: string): OutputItem {
  const lines = content.split("\n").map((line) => `+${line}`);
  const patch = ["*** Begin Patch", `*** Add File: ${path}`, ...lines, "*** End Patch"].join("\n");
  return shellCommand(`apply_patch <<'EOF'\n${patch}\nEOF\n`);
}

/**
 * A call of `tool` on the MCP server codex knows as `server` (`"host"` for the tools a thread
 * declares in code), with `args`; codex answers it with the tool's result in the next request.
 */
export function toolCall(server: string, tool: string, args: Record<string, unknown>): OutputItem {
  return {
    type: "function_call",
    call_id: id("call"),
    namespace: `mcp__${server}`,
    name: tool,
    arguments: JSON.stringify(args),
  };
}

/** A reply streaming `items`, then `response.completed`. */
export function reply(...items: OutputItem[]): StandInReply {
  return { kind: "items", items };
}

/** A reply streaming `items`, messages and reasoning summaries in several text deltas each. */
export function streamedReply(...items: OutputItem[]): StandInReply {
  return { kind: "items", items, deltas: true };
}

/** A reply that fails with an HTTP status (500, 401, 429, ...). */
export function httpError(status: number, message = `stand-in error ${status}`): StandInReply {
  return { kind: "http-error", status, message };
}

/** A reply that streams `response.failed` with the given code and message. */
export function responseFailed(code: string, message: string): StandInReply {
  return { kind: "response-failed", code, message };
}

/** A reply that never answers (until the stand-in closes), or drops the connection after `ms`. */
export function hang(ms?: number): StandInReply {
  return ms === undefined ? { kind: "hang" } : { kind: "hang", ms };
}

/** `then`, answered `ms` milliseconds after the request arrived. */
export function delayed(ms: number, then: StandInReply): StandInReply {
  return { kind: "delay", ms, then };
}
