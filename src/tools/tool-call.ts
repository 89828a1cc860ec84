import type { CodexTool, ToolContent, ToolResult } from "../types/tools.js";
import { argumentChecks } from "./define-tool.js";
import { argumentProblems } from "./tool-arguments.js";

/** Who a call is for, and what ends it early (its turn's end, the Codex's shutdown). */
export type ToolCallScope = {
  threadId: string | null;
  turnId: number | null;
  /** Aborted when the call is no longer wanted. */
  signal: AbortSignal;
};

/**
 * Runs one call of `tool` and answers it, whatever the handler does: arguments that break the
 * schema never reach it; a throw, a rejection, a value that is not a result, a timeout or an
 * abort become an error result the model sees. Never rejects.
 */
export async function runToolCall(
  tool: CodexTool,
  args: unknown,
  scope: ToolCallScope,
): Promise<ToolResult> {
  const problems = argumentProblems(argumentChecks.get(tool)!, args ?? {});
  if (problems.length > 0)
    return failed(`invalid arguments for ${tool.name}: ${problems.join("; ")}`);
  const controller = new AbortController();
  const ended = new Promise<ToolResult>((resolve) => {
    const stop = (why: string) => {
      controller.abort(new Error(why));
      resolve(failed(`${tool.name} ${why}`));
    };
    const timer = setTimeout(() => stop(`timed out after ${tool.timeoutMs} ms`), tool.timeoutMs);
    controller.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
    if (scope.signal.aborted) stop("was cancelled: its turn ended");
    else
      scope.signal.addEventListener("abort", () => stop("was cancelled: its turn ended"), {
        once: true,
        signal: controller.signal,
      });
  });
  const context = { signal: controller.signal, threadId: scope.threadId, turnId: scope.turnId };
  const handled = Promise.resolve()
    .then(() => tool.handler(args ?? {}, context))
    .then(resultOf, (error: unknown) => failed(`${tool.name} failed: ${messageOf(error)}`));
  try {
    return await Promise.race([handled, ended]);
  } finally {
    controller.abort(new Error("the call was answered"));
  }
}

/** The MCP result for what a handler returned. */
export function resultOf(value: unknown): ToolResult {
  if (typeof value === "string") return { content: [{ type: "text", text: value }] };
  if (value === undefined) return { content: [] };
  if (isToolResult(value)) return value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return failed(`the tool returned a value that is not JSON: ${messageOf(error)}`);
  }
  if (text === undefined) return failed(`the tool returned a ${typeof value}, not a result`);
  const structured =
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? { structuredContent: value as Record<string, unknown> }
      : {};
  return { content: [{ type: "text", text }], ...structured };
}

function isToolResult(value: unknown): value is ToolResult {
  if (typeof value !== "object" || value === null || !("content" in value)) return false;
  const { content } = value as { content: unknown };
  return Array.isArray(content) && content.every(isContent);
}

function isContent(part: unknown): part is ToolContent {
  if (typeof part !== "object" || part === null) return false;
  const { type, text, data, mimeType } = part as Record<string, unknown>;
  if (type === "text") return typeof text === "string";
  return type === "image" && typeof data === "string" && typeof mimeType === "string";
}

const failed = (text: string): ToolResult => ({ content: [{ type: "text", text }], isError: true });

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return "an unprintable value";
  }
}
