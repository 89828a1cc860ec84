import type { CodexTool, ToolContent, ToolResult } from "../types/tools.js";
import { argumentChecks } from "./define-tool.js";
import { argumentProblems } from "./tool-arguments.js";

/** Who a call is for, and what ends it early. */
export type ToolCallScope = {
  threadId: string | null;
  turnId: number | null;
  /** Aborted when codex no longer wants the call (it cancelled the request). */
  request: AbortSignal;
  /** Aborted when the call's turn ended, or its thread, or the Codex shut down. */
  turn: AbortSignal;
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
  const cancelled = [scope.request, scope.turn].find((signal) => signal.aborted);
  if (cancelled) return failed(`${tool.name} was cancelled: ${cancelReason(scope, cancelled)}`);
  const controller = new AbortController();
  const ended = new Promise<ToolResult>((resolve) => {
    const stop = (why: string) => {
      controller.abort(new Error(why));
      resolve(failed(`${tool.name} ${why}`));
    };
    const timer = setTimeout(() => stop(`timed out after ${tool.timeoutMs} ms`), tool.timeoutMs);
    controller.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
    // Each listener goes with the call (`signal: controller.signal`): a long turn's many calls
    // leave nothing on its signal.
    for (const signal of [scope.request, scope.turn])
      signal.addEventListener(
        "abort",
        () => stop(`was cancelled: ${cancelReason(scope, signal)}`),
        { once: true, signal: controller.signal },
      );
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

const cancelReason = (scope: ToolCallScope, signal: AbortSignal) =>
  signal === scope.request ? "codex cancelled it" : "its turn ended";

/**
 * The MCP result for what a handler returned: text, nothing, an MCP result (re-read as JSON:
 * only its `content`, `structuredContent` and `isError`), or any other JSON value. A value that
 * is none of these (a function, a bigint, a cycle, a getter that throws) is an error result.
 */
export function resultOf(value: unknown): ToolResult {
  try {
    if (typeof value === "string") return { content: [{ type: "text", text: value }] };
    if (value === undefined) return { content: [] };
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) return failed(`the tool returned a ${typeof value}, not a result`);
    const json = JSON.parse(text) as unknown;
    if (isToolResult(json)) {
      const { content, structuredContent, isError } = json;
      return {
        content,
        ...(isPlainObject(structuredContent) && { structuredContent }),
        ...(typeof isError === "boolean" && { isError }),
      };
    }
    return {
      content: [{ type: "text", text }],
      ...(isPlainObject(json) && { structuredContent: json }),
    };
  } catch (error) {
    return failed(`the tool returned a value that is not JSON: ${messageOf(error)}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isToolResult(value: unknown): value is ToolResult {
  if (!isPlainObject(value) || !("content" in value)) return false;
  const { content } = value;
  return Array.isArray(content) && content.every(isContent);
}

function isContent(part: unknown): part is ToolContent {
  if (!isPlainObject(part)) return false;
  const { type, text, data, mimeType } = part;
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
