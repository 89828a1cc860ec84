import type { OutputSchema, SchemaOutput } from "../types/schema-output.js";
import type { CodexTool, ToolCallContext } from "../types/tools.js";
import { InvalidOptionError } from "../types/errors.js";
import { compileArguments } from "./tool-arguments.js";
import type { ValidateFunction } from "ajv";

/** Each tool's compiled argument check, made when it was declared. */
export const argumentChecks = new WeakMap<CodexTool, ValidateFunction>();

/** How long a tool call may run, unless its tool says otherwise. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** What `tool()` takes: the tool, its arguments typed by a literal `inputSchema`. */
export type ToolDefinition<S extends OutputSchema> = {
  name: string;
  description: string;
  inputSchema: S;
  /** Runs a call: see `CodexTool.handler`. */
  handler: (args: SchemaOutput<S>, context: ToolCallContext) => unknown;
  /** How long a call may run before it is aborted and answered with an error (default 60 000). */
  timeoutMs?: number;
  /**
   * Codex asks before each call: `onApproval` answers (kind `mcp_tool_call`), app-server
   * transport only; without a handler the call is declined.
   */
  needsApproval?: boolean;
};

/**
 * Declares a function of this program the agent may call (give it to `startThread({ tools })` or
 * `new Codex({ tools })`). A literal `inputSchema` types the handler's arguments. An invalid
 * definition throws `InvalidOptionError` here.
 */
export function tool<const S extends OutputSchema>(
  definition: ToolDefinition<S>,
): CodexTool<SchemaOutput<S>> {
  const { name, description, inputSchema, handler, needsApproval = false } = definition;
  const timeoutMs = definition.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  if (typeof name !== "string" || !NAME.test(name))
    throw new InvalidOptionError(
      "tool.name",
      `expected 1 to 64 letters, digits, "_" or "-", got ${JSON.stringify(name)}`,
    );
  if (typeof description !== "string")
    throw new InvalidOptionError(`tool ${name}: description`, "expected a string");
  if (typeof inputSchema !== "object" || inputSchema === null || Array.isArray(inputSchema))
    throw new InvalidOptionError(`tool ${name}: inputSchema`, "expected a JSON Schema object");
  if (inputSchema.type !== undefined && inputSchema.type !== "object")
    throw new InvalidOptionError(
      `tool ${name}: inputSchema`,
      `a tool's arguments are an object: expected type "object", got ${JSON.stringify(inputSchema.type)}`,
    );
  if (typeof handler !== "function")
    throw new InvalidOptionError(`tool ${name}: handler`, "expected a function");
  if (typeof needsApproval !== "boolean")
    throw new InvalidOptionError(`tool ${name}: needsApproval`, "expected a boolean");
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1)
    throw new InvalidOptionError(
      `tool ${name}: timeoutMs`,
      `expected an integer from 1 to 2^31 - 1, got ${timeoutMs}`,
    );
  const schema = { type: "object", ...inputSchema };
  const declared: CodexTool<SchemaOutput<S>> = Object.freeze({
    name,
    description,
    inputSchema: schema,
    handler: handler as CodexTool<SchemaOutput<S>>["handler"],
    timeoutMs,
    needsApproval,
  });
  argumentChecks.set(declared as CodexTool, compileArguments(name, schema));
  return declared;
}
