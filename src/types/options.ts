import type { CodexTool } from "./tools.js";
import type { ApprovalHandler, TransportName } from "./app-server.js";
import type { InspectionEvent, Observer } from "xstate";
import type { SupervisionPolicy } from "./supervision.js";

/** Options of `Codex`, threads and turns: the official SDK's names and meanings, then ours. */

/** A value of the structured `config` option: it becomes a TOML literal. */
export type CodexConfigValue = string | number | boolean | CodexConfigValue[] | CodexConfigObject;

/** A JSON object flattened into dotted `--config key=value` flags. */
export type CodexConfigObject = { [key: string]: CodexConfigValue };

/** Options of `new Codex(...)`. */
export type CodexOptions = {
  /** Tools every thread of this Codex may call (see `ThreadOptions.tools`). */
  tools?: readonly CodexTool[];
  /** Path of the `codex` executable to run instead of the one `@openai/codex` installs. */
  codexPathOverride?: string;
  /** Base URL of the OpenAI API (`--config openai_base_url=...`). */
  baseUrl?: string;
  /** API key handed to the child as `CODEX_API_KEY` (environment only, never argv). */
  apiKey?: string;
  /** Structured config, flattened into `--config key=value` flags with TOML values. */
  config?: CodexConfigObject;
  /** Raw `--config key=value` overrides, passed after `config` and before per-thread flags. */
  configOverrides?: string[];
  /** The child's environment; when given it replaces `process.env` (the SDK still adds its own). */
  env?: Record<string, string>;
  /** An xstate inspector (e.g. from `@statelyai/inspect`): it sees every actor of every turn. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** The restart policy of every thread (threads may override it); `false` turns it off. */
  supervision?: SupervisionPolicy | false;
  /** At most this many codex processes at once, across threads (default unbounded); others wait FIFO. */
  maxConcurrentTurns?: number;
  /** Circuit breaker: more than `maxFailures` failed turns within `withinMs` escalates the root. */
  escalation?: { maxFailures: number; withinMs: number };
  /** How long a killed process gets between SIGTERM and SIGKILL (default 2 000 ms). */
  killGraceMs?: number;
  /**
   * A turn waiting behind a `runStreamed` turn of its thread whose events nobody has read for
   * this long emits a `CODEX_ACTORS_STALLED_STREAM` process warning: the two would wait on each
   * other forever (default 10 000 ms; `false` turns the warning off).
   */
  stalledStreamWarningMs?: number | false;
  /**
   * How turns run: `"exec"` (default; one `codex exec` process per attempt, as the official SDK)
   * or `"app-server"` (one supervised `codex app-server` per `Codex`: approvals from code).
   */
  transport?: TransportName;
  /** Answers the agent's approval requests for every thread (app-server transport only). */
  onApproval?: ApprovalHandler;
  /** How long `onApproval` may take before the request is declined (default 300 000 ms). */
  approvalTimeoutMs?: number;
  /**
   * How long a starting `codex app-server` may take to answer `initialize` before it is killed
   * and the turns waiting for it fail with `AppServerStartTimeoutError` (default 20 000 ms).
   */
  serverStartTimeoutMs?: number;
  /**
   * What all threads of this Codex may spend together: a turn that would start past it is
   * refused, a running turn that crosses `maxTokens` is stopped (`BudgetExceededError`).
   */
  budget?: Budget;
};

/** What turns have spent: tokens (input + output, as codex reports them) and turns started. */
export type Spent = { tokens: number; turns: number };

/**
 * A limit on what turns may spend. Tokens are input plus output tokens as codex reports them
 * (cached input included), spent by turns run by this `Codex`; turns count each turn once,
 * however many attempts it took.
 */
export type Budget = {
  /** At most this many tokens. */
  maxTokens?: number;
  /** At most this many turns. */
  maxTurns?: number;
};

/** How commands may ask for approval. */
export type ApprovalMode = "never" | "on-request" | "on-failure" | "untrusted";

/** Sandbox for the commands the agent runs. */
export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";

/** How hard the model reasons. */
export type ModelReasoningEffort =
  "minimal" | "low" | "medium" | "high" | "xhigh" | "max" | "ultra" | "persistent";

/** Web search availability. */
export type WebSearchMode = "disabled" | "cached" | "live";

/** Options of `startThread(...)` and `resumeThread(...)`. */
export type ThreadOptions = {
  model?: string;
  /**
   * Functions of this program the agent may call (see `tool()`), served to codex over a loopback
   * MCP server; with `CodexOptions.tools`, the Codex's come first. Only this thread sees them.
   */
  tools?: readonly CodexTool[];
  /** Source classification applied when this thread is first created (new threads only). */
  threadSource?: string;
  sandboxMode?: SandboxMode;
  workingDirectory?: string;
  skipGitRepoCheck?: boolean;
  modelReasoningEffort?: ModelReasoningEffort;
  networkAccessEnabled?: boolean;
  webSearchMode?: WebSearchMode;
  webSearchEnabled?: boolean;
  approvalPolicy?: ApprovalMode;
  additionalDirectories?: string[];
  /** This thread's restart policy, over the Codex's; `false` turns supervision off. */
  supervision?: SupervisionPolicy | false;
  /** Answers this thread's approval requests, over the Codex's (app-server transport only). */
  onApproval?: ApprovalHandler;
  /** How long this thread's `onApproval` may take, over the Codex's. */
  approvalTimeoutMs?: number;
  /** What this thread's turns may spend, besides the Codex's budget (see `Budget`). */
  budget?: Budget;
};

/** Experimental Cyber program selection for a turn. */
export type CyberAccessProgram = "standard" | "daybreak_blue" | "daybreak_red";

/** Options of one `run(...)` or `runStreamed(...)`. */
export type TurnOptions = {
  /** Experimental Cyber selection for this turn with the built-in OpenAI provider. */
  cyberAccessProgram?: CyberAccessProgram;
  /**
   * JSON schema of the expected final response, handed to codex. An invalid schema rejects before
   * any process starts (`OutputSchemaError`); the response is parsed and validated into `output`
   * when `output` is first read (it throws `OutputValidationError` there, the turn still resolves).
   */
  outputSchema?: unknown;
  /**
   * With `outputSchema`: reject the turn with `OutputValidationError` when the final response does
   * not parse or match, instead of resolving it (default false, the official SDK's behaviour).
   */
  rejectInvalidOutput?: boolean;
  /** Cancels the turn: it rejects with `AbortError` (`code` "ABORT_ERR", `cause` the signal's reason). */
  signal?: AbortSignal;
  /**
   * Deadline of the whole turn, restarts included, from its first attempt (`TurnTimeoutError`);
   * time waiting in the mailbox or for a concurrency slot is not counted (bound it with `signal`).
   */
  timeoutMs?: number;
  /** Kills an attempt after this long without a line on stdout (a transient failure). */
  idleTimeoutMs?: number;
  /**
   * Stream `item.delta` events (agent text, reasoning, command output) as they are generated
   * (app-server transport; default false, so the stream matches the exec transport's).
   */
  deltas?: boolean;
  /** What this turn may spend, restarts included, besides its thread's and Codex's budgets. */
  budget?: Pick<Budget, "maxTokens">;
};

/** One piece of input. */
export type UserInput = { type: "text"; text: string } | { type: "local_image"; path: string };

/** The input of a turn: a prompt, or text segments (joined by a blank line) and images. */
export type Input = string | UserInput[];
