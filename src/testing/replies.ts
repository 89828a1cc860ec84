import {
  addFile,
  delayed,
  escalatedCommand,
  hang,
  httpError,
  message,
  reasoning,
  reply as itemsReply,
  responseFailed,
  shellCommand,
  streamedReply,
  toolCall,
  type StandInReply,
} from "../model-stand-in/index.js";

/** What the model stand-in answers to one model request (build one with {@link reply}). */
export type Reply = StandInReply;

/** Options of {@link reply.command}. */
export type CommandReplyOptions = {
  /**
   * Asks to run the command outside the sandbox, with this justification: under an approval
   * policy that asks (`on-request`, and `onApproval` on the app-server transport), codex asks
   * before it runs.
   */
  escalate?: string;
};

/**
 * Builders of the stand-in's replies, one per model request codex makes. A turn that runs a
 * command or a patch makes a second request (carrying the command's output): script a reply
 * for it too, e.g. `[reply.command("ls"), reply.message("done")]`.
 */
export const reply = {
  /** The assistant's final message: the turn's `finalResponse`. */
  message: (text: string): Reply => itemsReply(message(text)),
  /** The final message streamed word by word (`output_text.delta` events) before it is done. */
  deltas: (text: string): Reply => streamedReply(message(text)),
  /** A reasoning summary, then (when given) the final message. */
  reasoning: (summary: string, finalMessage?: string): Reply =>
    finalMessage === undefined
      ? itemsReply(reasoning(summary))
      : itemsReply(reasoning(summary), message(finalMessage)),
  /** A shell command for codex to run (a `command_execution` item); its output goes to the next request. */
  command: (cmd: string, options: CommandReplyOptions = {}): Reply =>
    itemsReply(
      options.escalate === undefined ? shellCommand(cmd) : escalatedCommand(cmd, options.escalate),
    ),
  /**
   * A patch for codex to apply (a `file_change` item), in the `apply_patch` format
   * (`*** Begin Patch` … `*** End Patch`); see {@link reply.addFile} for the common case.
   */
  patch: (patch: string): Reply => itemsReply(shellCommand(`apply_patch <<'EOF'\n${patch}\nEOF\n`)),
  /**
   * A call of `tool` on MCP server `server` (`"host"`: the tools declared with `tool()`), with
   * `args` (an `mcp_tool_call` item); the tool's result goes to the next request.
   */
  toolCall: (server: string, tool: string, args: Record<string, unknown> = {}): Reply =>
    itemsReply(toolCall(server, tool, args)),
  /** A patch that adds the file `path` (relative to the working directory) with `content`. */
  addFile: (path: string, content: string): Reply => itemsReply(addFile(path, content)),
  /** An HTTP error status (401, 429, 500…) with `body` as the error's message. */
  httpError: (status: number, body?: string): Reply => httpError(status, body),
  /** A stream that starts, then reports `response.failed` with `message` (and `code`). */
  responseFailed: (message: string, code = "server_error"): Reply => responseFailed(code, message),
  /** No answer: the request stays open until the stand-in closes, or is dropped after `ms`. */
  hang: (ms?: number): Reply => hang(ms),
  /** `then`, answered `ms` milliseconds after the request arrives. */
  delay: (ms: number, then: Reply): Reply => delayed(ms, then),
};
