import type {
  ActorLogic,
  AnyActorLogic,
  EventFromLogic,
  InputFrom,
  OutputFrom,
  Snapshot,
  SnapshotFrom,
} from "xstate";
import type { ChildEnvSource } from "../process/child-env.js";
import type { CodexBinary } from "../process/codex-binary.js";
import type { FailureClasses } from "../supervision/classify.js";
import type { Clock } from "../supervision/clock.js";
import type { ThreadConfig, ThreadSettings, TurnJob } from "../supervision/turn-job.js";
import type { TraceCarrier } from "../telemetry/channels.js";
import type {
  AccountInfo,
  ListThreadsOptions,
  McpServerInfo,
  ModelInfo,
  RateLimits,
  ThreadList,
  TransportName,
} from "../types/app-server.js";
import type { TurnInterruptedError } from "../types/app-server-errors.js";
import type {
  AbortError,
  BudgetExceededError,
  CodexError,
  ShutdownError,
  TurnTimeoutError,
} from "../types/errors.js";
import type { CodexOptions, ThreadOptions } from "../types/options.js";

/* The seam between supervision and transports: what a thread actor knows of one attempt. */

/** Asks a running attempt to stop (its processes killed, or its turn interrupted); it then ends with `error`. */
export type AttemptAbortEvent = {
  type: "attempt.abort";
  error: AbortError | ShutdownError | TurnTimeoutError | TurnInterruptedError | BudgetExceededError;
};

/**
 * What an attempt sends its thread actor each time codex reports token usage (exec: at
 * `turn.completed`; app-server: live): the tokens (input + output) the attempt has spent so far,
 * and the thread's running total as codex keeps it.
 */
export type AttemptUsageEvent = {
  type: "attempt.usage";
  attemptTokens: number;
  threadTotal: number;
};

/** What an attempt that can be steered sends its thread actor when a steer reached its turn. */
export type AttemptSteeredEvent = { type: "attempt.steered"; characters: number };

/** How an attempt ended: the output of its actor once it reaches a final state. */
export type AttemptOutcome = {
  status: "completed" | "failed" | "aborted";
  threadId: string | null;
  /** The codex process that ran it (the app-server's, on that transport), if one started. */
  pid: number | null;
  error?: CodexError;
  /** The type of the first side-effect item (command, file change, MCP call) that started. */
  sideEffect: string | null;
};

/**
 * What the snapshot tree reads of a running attempt: its actor's context has at least this, and
 * `pendingApprovals` (how many approvals wait for `onApproval`) where the transport asks any.
 */
export type AttemptView = {
  pid: number | null;
  threadId: string | null;
  pendingApprovals?: number;
  /** Since when approvals have waited (ms since the epoch), while any do. */
  awaitingApprovalSince?: number | null;
};

/** What the snapshot tree reads of a transport's service: its process and its restarts. */
export type ServiceView = { pid: number | null; restarts: number };

/** Asks a transport's service to stop: the root sends it once every thread has ended. */
export type ServiceStopEvent = { type: "service.stop" };

/**
 * One attempt as the thread actor runs it: actor logic that takes `attempt.abort` and outputs an
 * `AttemptOutcome` (its input is the transport's own, made by `attemptInput`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each transport's input is its own
export type AttemptLogic = ActorLogic<Snapshot<AttemptOutcome>, AttemptAbortEvent, any>;

/**
 * What a transport can do beyond running turns: the facade checks options and calls against it,
 * so no code outside the transports names one to decide what is allowed.
 */
export type TransportCapabilities = {
  /** `turn.steer()`: input added to a running turn. */
  steer: boolean;
  /** `onApproval`: codex asks before it runs a command or changes a file. */
  approvals: boolean;
  /** `deltas: true`: the text of items as it is written. */
  deltas: boolean;
  /** The output schema reaches codex as a file it reads (`--output-schema`), not inline. */
  outputSchemaFile: boolean;
  /** `listThreads()`, `models()`, `fork()`…: the transport's `ThreadAdmin`. */
  threadAdmin: boolean;
  /** Token usage is reported while a turn runs (a budget can interrupt it), not only at its end. */
  liveUsage: boolean;
};

/** What a transport is given when a `Codex` opens it: the Codex's options and what its processes share. */
export type TransportOpening = {
  options: CodexOptions;
  /** The `-c key=value` flags of the Codex's `config`, checked once. */
  globalFlags: readonly string[];
  /** The child's env and API key, out of sight of snapshots and inspection. */
  envSource: ChildEnvSource;
  /** The binary every process runs; throws `CodexNotFoundError` when there is none. */
  binary: () => CodexBinary;
  clock: Clock;
};

/** What a daemon asks a transport besides turns: its sessions store, models, account. */
export type ThreadAdmin = {
  /** A page of the threads in the sessions store. */
  listThreads(options: ListThreadsOptions): Promise<ThreadList>;
  /** The models offered. */
  models(): Promise<ModelInfo[]>;
  /** How codex is signed in. */
  account(): Promise<AccountInfo>;
  /** The account's rate limits. */
  rateLimits(): Promise<RateLimits>;
  /** The MCP servers codex is configured with, and their status. */
  mcpServers(): Promise<McpServerInfo[]>;
  /**
   * Forks `threadId` under `options` (answered by an `onApproval` handler or not), its codex
   * given `threadConfig` too (where its tools are served): the new thread's id.
   */
  fork(
    threadId: string,
    options: ThreadOptions,
    answered: boolean,
    threadConfig: ThreadConfig | null,
  ): Promise<string>;
  /** Archives `threadId` (or, with `archived: false`, restores it). */
  setArchived(threadId: string, archived: boolean): Promise<void>;
  /** Names `threadId`. */
  setName(threadId: string, name: string): Promise<void>;
  /** Deletes `threadId`: its session file and state, and the server's copy in memory. */
  delete(threadId: string): Promise<void>;
};

/**
 * One `Codex`'s use of a transport, opened with it: what its service actor and each thread are
 * given (`S`, the transport's own settings, read only by its `attemptInput`), its thread admin
 * where it has one, and when its last process is gone.
 */
export type TransportSession<S = unknown> = {
  /** The input of the transport's service actor, when it has one. */
  serviceInput?: unknown;
  /** What every turn of a thread with these options needs of the transport. */
  threadSettings(thread: ThreadOptions): S;
  /** Present exactly when the transport's capabilities say `threadAdmin`. */
  admin?: ThreadAdmin;
  /** Resolves once no process of this session remains (after the root has stopped its service). */
  whenNoProcess(): Promise<void>;
};

/**
 * A way to run a turn's attempts. The thread actor invokes `attempt` with `attemptInput(…)`,
 * may send it `attempt.abort`, and reads its `AttemptOutcome` when it is done; nothing else of
 * the transport is known to supervision.
 */
export type Transport = {
  /** The transport's name, as `CodexOptions.transport` says it. */
  name: TransportName;
  /** Opens it for one `Codex`: called once, when the Codex is constructed. */
  open: (opening: TransportOpening) => TransportSession;
  /** One attempt, as actor logic: takes `AttemptAbortEvent`, outputs an `AttemptOutcome`. */
  attempt: AttemptLogic;
  /**
   * The attempt actor's input for the next attempt of `job`: a new thread, or a resume of
   * `threadId`; `trace` is the W3C trace context to hand codex, if telemetry set one;
   * `threadTotal` the thread's running token total, where known (its attempts then report
   * `AttemptUsageEvent`s counted from it).
   */
  attemptInput: (
    settings: ThreadSettings,
    job: TurnJob,
    threadId: string | null,
    trace: TraceCarrier,
    threadTotal: number | null,
  ) => unknown;
  /**
   * An actor the root runs beside its threads for the transport (the app-server), if any: it
   * takes `service.stop`, keeps a `ServiceView` in its context and is given the session's
   * `serviceInput`.
   */
  service?: AnyActorLogic;
  /** The kinds of failure the transport adds to supervision's classification. */
  failures: FailureClasses;
  /** What it can do beyond running turns. */
  capabilities: TransportCapabilities;
};

/**
 * A transport, checked at compile time: `attempt` takes `attempt.abort`, outputs an
 * `AttemptOutcome`, takes what `attemptInput` makes and keeps an `AttemptView` in its context;
 * `attemptInput` reads the thread settings (`S`) its session makes; a `service` takes
 * `service.stop` and keeps a `ServiceView`. Its logic is then seen as an `AttemptLogic`, the one
 * view the thread machine has of it, and `S` as `unknown`.
 */
export function defineTransport<
  TLogic extends AnyActorLogic,
  S,
  TService extends AnyActorLogic = AnyActorLogic,
>(
  transport: Omit<Transport, "attempt" | "attemptInput" | "open" | "service"> & {
    service?: ContextOf<TService> extends ServiceView
      ? ServiceStopEvent extends EventFromLogic<TService>
        ? TService
        : never
      : never;
    attempt: OutputFrom<TLogic> extends AttemptOutcome
      ? AttemptAbortEvent extends EventFromLogic<TLogic>
        ? ContextOf<TLogic> extends AttemptView
          ? TLogic
          : never
        : never
      : never;
    open: (opening: TransportOpening) => TransportSession<S>;
    attemptInput: (
      settings: ThreadSettings<S>,
      job: TurnJob,
      threadId: string | null,
      trace: TraceCarrier,
      threadTotal: number | null,
    ) => InputFrom<TLogic>;
  },
): Transport {
  // Checked above; a machine's own snapshot type is wider than `Snapshot`'s, hence the widening,
  // and `S` is the transport's own: only its `attemptInput` reads what its `open` made.
  return {
    ...transport,
    attempt: transport.attempt as unknown as AttemptLogic,
    attemptInput: transport.attemptInput as Transport["attemptInput"],
  };
}

/** The context of an actor logic's snapshots (`never` for logic whose snapshots have none). */
type ContextOf<TLogic extends AnyActorLogic> =
  SnapshotFrom<TLogic> extends { context: infer C } ? C : never;

const STOP_KINDS = new Set([
  "aborted",
  "shutdown",
  "turn_timeout",
  "turn_interrupted",
  "budget_exceeded",
]);

/**
 * Whether an error means the attempt was stopped on request (abort, shutdown, deadline,
 * interrupt, a budget spent).
 */
export function isStopRequest(error: CodexError | null): boolean {
  return error !== null && STOP_KINDS.has(error.kind);
}
