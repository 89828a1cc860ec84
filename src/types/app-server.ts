import type { ThreadEvent } from "./events.js";

/**
 * What only the app-server transport reports, as events beside the exec path's `ThreadEvent`s
 * (old consumers ignore them): live text deltas, approvals, the turn's diff and plan, and the
 * server's notifications this version does not know, passed through untouched.
 */

/** Which text a delta extends; one kind's deltas of one item concatenate to its final text. */
export type ItemDeltaKind =
  /** The `text` of an `agent_message` item. */
  | "agent_message"
  /** The `text` of a `reasoning` item (summary parts are joined by a newline). */
  | "reasoning_summary"
  /** The model's raw reasoning, which no exec item carries. */
  | "reasoning_content"
  /** The `aggregated_output` of a `command_execution` item. */
  | "command_output";

/** A piece of an item's text as it streams; `item_id` is the id its item events carry. */
export type ItemDeltaEvent = {
  type: "item.delta";
  item_id: string;
  kind: ItemDeltaKind;
  delta: string;
};

/** What an approval is asked for. */
export type ApprovalKind = "command" | "file_change" | "permissions" | "mcp_tool_call";

/** An answer to an approval; `cancel` declines and interrupts the turn. */
export type ApprovalDecision = "accept" | "acceptForSession" | "decline" | "cancel";

/** The agent asks to run a command, change files or widen its permissions, and waits. */
export type ApprovalRequestedEvent = {
  type: "approval.requested";
  /** The server's id of the request, unique within its connection. */
  request_id: string | number;
  kind: ApprovalKind;
  /** The item the approval is for (a `command_execution`, `file_change` or `mcp_tool_call`). */
  item_id: string;
  /** For `mcp_tool_call`: the MCP server (`"host"` for the tools declared with `tool()`). */
  server?: string;
  /** For `mcp_tool_call`: the tool codex would call. */
  tool?: string;
  /** For `mcp_tool_call`: the arguments it would call it with. */
  arguments?: unknown;
  /**
   * For `command`: the command line as codex reports it, with the shell that runs it
   * (`/bin/bash -lc 'npm test'`). Match on `argv`, not on this: `/^rm/` never matches it.
   */
  command?: string;
  /**
   * For `command`: the program and its arguments as they will run (`["npm", "test"]`), taken out
   * of the shell codex runs them with (`bash -c`/`-lc`, `sh -c`, `zsh -lc`, from `/bin/…`), a
   * leading `cd dir &&` moved to `cwd`. Null when `simple` is false.
   */
  argv?: string[] | null;
  /**
   * For `command`: true when `argv`, run in `cwd`, is exactly what will run. False (and `argv`
   * null) when it is not one plain command: pipes, `;`, `&&`/`||` past a `cd` prefix, `&`,
   * redirections, here-docs, subshells, `$` (variables, `$(…)`), backticks, globs, brace or
   * tilde expansion, comments, line breaks, `FOO=1 cmd` assignments, a shell run another way,
   * input for a running command. A safe handler declines what is not simple.
   */
  simple?: boolean;
  /**
   * The working directory, when the server names one; for a simple `command`, where it runs
   * (a `cd dir &&` prefix resolved against the server's).
   */
  cwd?: string;
  /** Why the agent asks, when it says. */
  reason?: string;
};

/** An approval was settled: `decision` is the answer given, or null if the server withdrew it. */
export type ApprovalResolvedEvent = {
  type: "approval.resolved";
  request_id: string | number;
  kind: ApprovalKind;
  item_id: string;
  decision: ApprovalDecision | null;
  /** Why this decision, when it was not the handler's own (it threw, timed out, was absent). */
  reason?: string;
};

/** The turn's aggregated unified diff changed. */
export type TurnDiffEvent = {
  type: "turn.diff";
  diff: string;
};

/** The status of a step of the agent's plan. */
export type TurnPlanStepStatus = "pending" | "in_progress" | "completed";

/** The agent's plan changed (the exec path reports it as a `todo_list` item, which comes too). */
export type TurnPlanEvent = {
  type: "turn.plan";
  explanation: string | null;
  steps: Array<{ step: string; status: TurnPlanStepStatus }>;
};

/** A server notification this version of codex-actors does not know, untouched. */
export type AppServerNotificationEvent = {
  type: "app_server.notification";
  method: string;
  params: unknown;
};

/** Every event only the app-server transport reports, discriminated by `type`. */
export type AppServerEvent =
  | ItemDeltaEvent
  | ApprovalRequestedEvent
  | ApprovalResolvedEvent
  | TurnDiffEvent
  | TurnPlanEvent
  | AppServerNotificationEvent;

/**
 * Answers an approval, from code: a policy engine, a chat button. Throwing, answering late
 * (`approvalTimeoutMs`) or answering something else than a decision declines, and the stream's
 * `approval.resolved` event says why.
 */
export type ApprovalHandler = (
  request: ApprovalRequestedEvent,
) => ApprovalDecision | Promise<ApprovalDecision>;

/** Which transport runs a `Codex`'s turns: `codex exec` per attempt, or one `codex app-server`. */
export type TransportName = "exec" | "app-server";

/** The events a turn streams on transport `X`: the exec path's, plus the app-server's own there. */
export type EventOf<X extends TransportName> = X extends "app-server"
  ? ThreadEvent | AppServerEvent
  : ThreadEvent;

/** Which threads `listThreads` returns. */
export type ListThreadsOptions = {
  /** At most this many (the server's default when absent). */
  limit?: number;
  /** Where the previous page ended (`nextCursor`). */
  cursor?: string;
  /** Only threads started in this working directory. */
  cwd?: string;
  /** Archived threads instead of the others. */
  archived?: boolean;
};

/**
 * The `this` of a method only the app-server transport has (`listThreads()`, `fork()`…): `Self`
 * where transport `X` may be the app-server, and a type naming what is missing on an exec-only
 * `Codex` or `Thread`, so calling it there is a type error (at run time, an `UnsupportedError`).
 */
export type OnAppServer<X extends TransportName, Self> = [X] extends ["exec"]
  ? { "needs transport": "app-server" }
  : Self;

/** A thread of the sessions store, as `listThreads` lists it. */
export type ThreadSummary = {
  id: string;
  /** Set by `thread.setName`; null until then. */
  name: string | null;
  /** The start of the thread's first prompt. */
  preview: string;
  cwd: string;
  model: string | null;
  /** Unix time, in seconds. */
  createdAt: number;
  updatedAt: number;
};

/** A page of threads; pass `nextCursor` back as `cursor` for the next one (null: no more). */
export type ThreadList = { threads: ThreadSummary[]; nextCursor: string | null };

/** A model the server offers. */
export type ModelInfo = {
  id: string;
  model: string;
  displayName: string;
  description: string;
  hidden: boolean;
  isDefault: boolean;
};

/** How the server is signed in: `apiKey`, `chatgpt`, … or null when it is not. */
export type AccountInfo = { type: string | null; requiresOpenaiAuth: boolean };

/** One rate-limit window: how much of it is used, how long it is, when it resets (Unix seconds). */
export type RateLimitWindow = {
  usedPercent: number;
  windowMinutes: number | null;
  resetsAt: number | null;
};

/** The account's rate limits, as the app-server reads them. */
export type RateLimits = {
  primary: RateLimitWindow | null;
  secondary: RateLimitWindow | null;
  /** Whether a limit is reached now. */
  reached: boolean;
};

/** An MCP server codex is configured with: its connection status, its tools, its last error. */
export type McpServerInfo = {
  name: string;
  /** `connected`, `starting`, `failed`, … (null before codex has tried it). */
  status: string | null;
  tools: string[];
  error: string | null;
};
