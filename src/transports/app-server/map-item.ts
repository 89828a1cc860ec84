import type {
  CommandExecutionStatus,
  FileUpdateChange,
  McpContentBlock,
  PatchApplyStatus,
  ThreadItem,
} from "../../types/items.js";
import type { v2 } from "./protocol/index.js";

/** An app-server item (camelCase), as the server sends it. */
export type ServerItem = v2.ThreadItem;

/** The exec path's status of a command: `declined` is what `codex exec` prints for a refused one. */
type ExecCommandStatus = CommandExecutionStatus | "declined";

const COMMAND_STATUS: Record<v2.CommandExecutionStatus, ExecCommandStatus> = {
  inProgress: "in_progress",
  completed: "completed",
  failed: "failed",
  declined: "declined",
};

// The exec path has no `declined` patch: codex exec reports it as `failed`.
const PATCH_STATUS: Record<v2.PatchApplyStatus, PatchApplyStatus> = {
  inProgress: "in_progress",
  completed: "completed",
  failed: "failed",
  declined: "failed",
};

const MCP_STATUS = { inProgress: "in_progress", completed: "completed", failed: "failed" } as const;

/** Item types `codex exec` leaves out of its stream (the user's own prompt). */
const OMITTED_TYPES = new Set(["userMessage"]);

/** Item types that map to an exec shape. */
const MAPPED_TYPES = new Set([
  "agentMessage",
  "reasoning",
  "commandExecution",
  "fileChange",
  "mcpToolCall",
  "webSearch",
]);

/** How the exec path treats an item type: mapped to its shape, omitted, or passed through. */
export function itemTreatment(type: string): "mapped" | "omitted" | "passed" {
  if (OMITTED_TYPES.has(type)) return "omitted";
  return MAPPED_TYPES.has(type) ? "mapped" : "passed";
}

/**
 * The exec path's shape of a server item, with the exec id `id`, exactly as `codex exec` prints
 * it (snake_case, its statuses). A reasoning item without summary text has none: null. Items of
 * a type the exec path does not know are returned untouched.
 */
export function toExecItem(item: ServerItem, id: string): ThreadItem | null {
  switch (item.type) {
    case "agentMessage":
      return { id, type: "agent_message", text: textOf(item.text, "agentMessage") };
    case "reasoning": {
      const text = item.summary.join("\n");
      return text.trim() ? { id, type: "reasoning", text } : null;
    }
    case "commandExecution":
      return {
        id,
        type: "command_execution",
        command: item.command,
        aggregated_output: item.aggregatedOutput ?? "",
        ...(item.exitCode === null ? {} : { exit_code: item.exitCode }),
        status: COMMAND_STATUS[item.status] as CommandExecutionStatus,
      };
    case "fileChange":
      return {
        id,
        type: "file_change",
        changes: item.changes.map(toExecChange),
        status: PATCH_STATUS[item.status],
      };
    case "mcpToolCall":
      return {
        id,
        type: "mcp_tool_call",
        server: item.server,
        tool: item.tool,
        arguments: item.arguments,
        ...(item.result && {
          result: {
            content: item.result.content as McpContentBlock[],
            structured_content: item.result.structuredContent,
          },
        }),
        ...(item.error && { error: { message: item.error.message } }),
        status: MCP_STATUS[item.status],
      };
    case "webSearch":
      return { id, type: "web_search", query: item.query };
    default:
      return item as unknown as ThreadItem;
  }
}

/** An item's text, which must be a string: anything else is a message codex cannot have meant. */
function textOf(text: unknown, itemType: string): string {
  if (typeof text !== "string") throw new TypeError(`${itemType}.text is not a string`);
  return text;
}

/** One changed file of a patch, as the exec path reports it (path and kind, no diff). */
function toExecChange(change: v2.FileUpdateChange): FileUpdateChange {
  return { path: change.path, kind: change.kind.type };
}
