/**
 * The items a turn produces, as `codex exec --experimental-json` reports them. Shapes match
 * `@openai/codex-sdk`; where the real binary sends more (a `file_change` still in progress),
 * the type says so. Items of a type this version does not know are passed through untouched.
 */

/** The status of a command execution. */
export type CommandExecutionStatus = "in_progress" | "completed" | "failed";

/** A command executed by the agent. */
export type CommandExecutionItem = {
  id: string;
  type: "command_execution";
  /** The command line executed by the agent (wrapped by codex, e.g. `/bin/bash -lc '…'`). */
  command: string;
  /** Aggregated stdout and stderr captured while the command was running. */
  aggregated_output: string;
  /** Set when the command exits; omitted while still running. */
  exit_code?: number;
  /** Current status of the command execution. */
  status: CommandExecutionStatus;
};

/** Indicates the type of a file change. */
export type PatchChangeKind = "add" | "delete" | "update";

/** One file changed by a patch. */
export type FileUpdateChange = {
  path: string;
  kind: PatchChangeKind;
};

/** The status of a file change: `in_progress` is sent by the real binary on `item.started`. */
export type PatchApplyStatus = "in_progress" | "completed" | "failed";

/** A set of file changes by the agent. */
export type FileChangeItem = {
  id: string;
  type: "file_change";
  /** Individual file changes that make up the patch. */
  changes: FileUpdateChange[];
  /** Whether the patch is being applied, succeeded or failed. */
  status: PatchApplyStatus;
};

/** The status of an MCP tool call. */
export type McpToolCallStatus = "in_progress" | "completed" | "failed";

/** A content block of an MCP tool result (text, image, resource, ...), kept as sent. */
export type McpContentBlock = { type: string } & Record<string, unknown>;

/** A call to an MCP tool, from dispatch to the server's success or failure. */
export type McpToolCallItem = {
  id: string;
  type: "mcp_tool_call";
  /** Name of the MCP server handling the request. */
  server: string;
  /** The tool invoked on the MCP server. */
  tool: string;
  /** Arguments forwarded to the tool invocation. */
  arguments: unknown;
  /** Result payload returned by the MCP server for successful calls. */
  result?: {
    content: McpContentBlock[];
    _meta?: unknown;
    structured_content: unknown;
  };
  /** Error message reported for failed calls. */
  error?: { message: string };
  /** Current status of the tool invocation. */
  status: McpToolCallStatus;
};

/** Response from the agent: natural-language text, or JSON when an output schema was given. */
export type AgentMessageItem = {
  id: string;
  type: "agent_message";
  text: string;
};

/** The agent's reasoning summary. */
export type ReasoningItem = {
  id: string;
  type: "reasoning";
  text: string;
};

/** A web search request; completes when results are returned to the agent. */
export type WebSearchItem = {
  id: string;
  type: "web_search";
  query: string;
};

/** A non-fatal error surfaced as an item. */
export type ErrorItem = {
  id: string;
  type: "error";
  message: string;
};

/** An entry of the agent's to-do list. */
export type TodoItem = {
  text: string;
  completed: boolean;
};

/** The agent's running to-do list. */
export type TodoListItem = {
  id: string;
  type: "todo_list";
  items: TodoItem[];
};

/** Every item type this version knows, discriminated by `type`. */
export type ThreadItem =
  | AgentMessageItem
  | ReasoningItem
  | CommandExecutionItem
  | FileChangeItem
  | McpToolCallItem
  | WebSearchItem
  | TodoListItem
  | ErrorItem;
