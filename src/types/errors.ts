import { describeThrown } from "./describe-thrown.js";
import { explainingStderr } from "./exit-stderr.js";

/**
 * Every failure a turn can meet, as an exported class with a stable `name` and `kind`, a message
 * that says what happened and what to do, and the details needed to act without re-running.
 */

/** Every kind of failure, as `CodexError.kind` says it. */
export const CODEX_ERROR_KINDS = [
  "binary_not_found",
  "spawn",
  "exit",
  "configuration",
  "untrusted_directory",
  "turn_failed",
  "protocol",
  "invalid_option",
  "invalid_schema",
  "output_validation",
  "aborted",
  "idle_timeout",
  "turn_timeout",
  "restart_limit",
  "escalated",
  "shutdown",
  "app_server_closed",
  "app_server_error",
  "app_server_overloaded",
  "app_server_start_timeout",
  "app_server_crash_loop",
  "turn_interrupted",
  "unsupported",
  "turn_not_running",
  "tool_server",
  "budget_exceeded",
  "internal",
] as const;

/** What kind of failure a `CodexError` is; stable across versions, safe to switch on. */
export type CodexErrorKind = (typeof CODEX_ERROR_KINDS)[number];

/** The base class of every error codex-actors raises. */
export abstract class CodexError extends Error {
  abstract readonly kind: CodexErrorKind;
  /**
   * Set when supervision chose not to restart after this failure: the reason, in words. Declared
   * only (never initialised), so an error that was not judged has no `notRetried: undefined`.
   */
  declare notRetried?: string;
}

/** The `codex` executable could not be found. */
export class CodexNotFoundError extends CodexError {
  override readonly name = "CodexNotFoundError";
  readonly kind = "binary_not_found";
  constructor(
    /** Where we looked, or what was asked for. */
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(
      `The codex executable was not found (${path}). Install it with \`npm install @openai/codex\` ` +
        `(with optional dependencies, for your platform) or pass \`codexPathOverride\`.`,
      options,
    );
  }
}

/** The `codex` process could not be started (permissions, resources, ...). */
export class SpawnError extends CodexError {
  override readonly name = "SpawnError";
  readonly kind = "spawn";
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(`Could not start codex at ${path}: ${reason}`, options);
  }
}

/** The process ended abnormally: a non-zero exit or a signal, before the turn ended. */
export class CodexExitError extends CodexError {
  override readonly name: string = "CodexExitError";
  readonly kind: "exit" | "configuration" | "untrusted_directory" = "exit";
  constructor(
    readonly exitCode: number | null,
    readonly signal: string | null,
    /**
     * The last part of what the process wrote to stderr, all of it; the message quotes only the
     * lines that explain the exit (see `explainingStderr`).
     */
    readonly stderrTail: string,
    message = describeExit(exitCode, signal, stderrTail),
  ) {
    super(message);
  }
}

/** codex refused to run outside a trusted (git) directory. */
export class UntrustedDirectoryError extends CodexExitError {
  override readonly name = "UntrustedDirectoryError";
  override readonly kind = "untrusted_directory";
  constructor(exitCode: number | null, stderrTail: string) {
    super(
      exitCode,
      null,
      stderrTail,
      `${lastLine(stderrTail)} Run inside a git repository, or pass \`skipGitRepoCheck: true\`.`,
    );
  }
}

/**
 * codex refused to start the turn: it exited with an error before `turn.started` (a flag value,
 * a `--config` it cannot parse or no longer supports, an unknown resume id, a missing directory
 * or provider, an input too large). Never restarted, under any policy: the next process would
 * refuse the same way.
 */
export class CodexConfigError extends CodexExitError {
  override readonly name = "CodexConfigError";
  override readonly kind = "configuration";
  /** The line in which the binary said what it refused, verbatim. */
  readonly refusal: string;
  constructor(exitCode: number | null, stderrTail: string) {
    const refusal = refusalLine(stderrTail);
    super(
      exitCode,
      null,
      stderrTail,
      `codex refused to start the turn (exit code ${exitCode}): ${refusal || "no reason given on stderr"}. ` +
        `Fix the option or setting it names; the turn was not retried.`,
    );
    this.refusal = refusal;
  }
}

/** The model or codex reported `turn.failed`; `message` is its own reason. */
export class TurnFailedError extends CodexError {
  override readonly name = "TurnFailedError";
  readonly kind = "turn_failed";
  constructor(
    message: string,
    /** The process's exit code, when it had exited. */
    readonly exitCode: number | null = null,
    readonly stderrTail = "",
  ) {
    super(message);
  }
}

/** A line on stdout was not a protocol event. */
export class ProtocolError extends CodexError {
  override readonly name = "ProtocolError";
  readonly kind = "protocol";
  constructor(
    /** 1-based line number within the process's stdout. */
    readonly lineNumber: number,
    /** The start of the offending line. */
    readonly excerpt: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `codex printed an invalid event on stdout line ${lineNumber} (${reason}): ${excerpt}`,
      options,
    );
  }
}

/** An option had a value that cannot be used; nothing was started. */
export class InvalidOptionError extends CodexError {
  override readonly name = "InvalidOptionError";
  readonly kind = "invalid_option";
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`Invalid \`${option}\`: ${message}`);
  }
}

/**
 * The loopback server that serves a thread's `tools` could not start (e.g. the optional peer
 * `@modelcontextprotocol/sdk` is not installed); the turn was not started and is not retried.
 */
export class ToolServerError extends CodexError {
  override readonly name = "ToolServerError";
  readonly kind = "tool_server";
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`the tool server could not start: ${reason}`, options);
  }
}

/** `outputSchema` is not a valid JSON schema; nothing was started. */
export class OutputSchemaError extends CodexError {
  override readonly name = "OutputSchemaError";
  readonly kind = "invalid_schema";
  constructor(message: string, options?: ErrorOptions) {
    super(`\`outputSchema\` is not a valid JSON schema: ${message}`, options);
  }
}

/** The final response did not parse as JSON or did not match `outputSchema`. */
export class OutputValidationError extends CodexError {
  override readonly name = "OutputValidationError";
  readonly kind = "output_validation";
  constructor(
    /** ajv's messages, e.g. `/answer must be number`. */
    readonly errors: string[],
    /** The final response exactly as the agent wrote it. */
    readonly rawText: string,
  ) {
    super(`The final response does not match \`outputSchema\`: ${errors.join("; ")}`);
  }
}

/**
 * The turn was cancelled by its `signal` or by the consumer leaving the stream. Like Node's own
 * abort errors (and the official SDK's): `name` "AbortError", `code` "ABORT_ERR", and `cause` the
 * signal's `reason`, whatever its type.
 */
export class AbortError extends CodexError {
  override readonly name = "AbortError";
  readonly kind = "aborted";
  readonly code = "ABORT_ERR";
  constructor(message = "The turn was aborted.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** No line arrived on stdout for `idleTimeoutMs`; the attempt was killed (a transient failure). */
export class IdleTimeoutError extends CodexError {
  override readonly name = "IdleTimeoutError";
  readonly kind = "idle_timeout";
  constructor(readonly idleTimeoutMs: number) {
    super(`codex printed nothing for ${idleTimeoutMs} ms (idleTimeoutMs); the attempt was killed.`);
  }
}

/** The turn, restarts included, outlived `timeoutMs`; it is not restarted. */
export class TurnTimeoutError extends CodexError {
  override readonly name = "TurnTimeoutError";
  readonly kind = "turn_timeout";
  constructor(readonly timeoutMs: number) {
    super(`The turn did not finish within ${timeoutMs} ms (timeoutMs); it was stopped.`);
  }
}

/** More than `maxRestarts` restarts were needed within `withinMs`; `failures` lists every attempt's error. */
export class RestartLimitError extends CodexError {
  override readonly name = "RestartLimitError";
  readonly kind = "restart_limit";
  constructor(
    readonly failures: CodexError[],
    readonly maxRestarts: number,
    readonly withinMs: number,
  ) {
    const last = failures[failures.length - 1];
    super(
      `The turn failed ${failures.length} times; more than ${maxRestarts} restarts within ${withinMs} ms ` +
        `is the limit (supervision.maxRestarts / withinMs). Last error: ${last?.message ?? "unknown"}`,
      { cause: last },
    );
  }
}

/** The Codex root is `escalated` (too many failed turns): it takes no turns until `codex.reset()`. */
export class EscalatedError extends CodexError {
  override readonly name = "EscalatedError";
  readonly kind = "escalated";
  constructor(
    readonly maxFailures: number,
    readonly withinMs: number,
  ) {
    super(
      `More than ${maxFailures} turns failed within ${withinMs} ms, so this Codex stopped taking turns ` +
        `(escalation). Fix the cause, then call codex.reset().`,
    );
  }
}

/** Which budget a `BudgetExceededError` is about: the Codex's, the thread's or the turn's. */
export type BudgetScope = "codex" | "thread" | "turn";

/**
 * When a budget stopped the turn: before it started (nothing ran), interrupted while it ran
 * (live usage, app-server), or at the usage report that crossed it (exec reports usage once,
 * when the turn completes).
 */
export type BudgetStop = "before-start" | "interrupted" | "usage-report";

/** A budget (`budget.maxTokens` / `maxTurns`) is spent: the turn was refused or stopped. Never restarted. */
export class BudgetExceededError extends CodexError {
  override readonly name = "BudgetExceededError";
  readonly kind = "budget_exceeded";
  constructor(
    /** Whose budget. */
    readonly scope: BudgetScope,
    /** What ran out. */
    readonly measure: "tokens" | "turns",
    /** What was spent when it stopped. */
    readonly spent: number,
    /** The limit. */
    readonly limit: number,
    /** When it stopped the turn. */
    readonly stoppedAt: BudgetStop,
  ) {
    super(
      `The ${scope === "codex" ? "Codex's" : `${scope}'s`} ${measure} budget is spent: ` +
        `${spent} of ${limit} ${measure}. ${BUDGET_STOPS[stoppedAt]} ` +
        `Raise budget.max${measure === "tokens" ? "Tokens" : "Turns"}` +
        `${scope === "turn" ? " on the turn" : scope === "thread" ? " on the thread" : " on the Codex"}` +
        ` to go on.`,
    );
  }
}

const BUDGET_STOPS: Record<BudgetStop, string> = {
  "before-start": "The turn was refused before any process started.",
  interrupted: "The running turn was interrupted when codex reported the usage that crossed it.",
  "usage-report":
    "The turn was ended at codex's usage report that crossed it (exec reports usage when a turn completes).",
};

/** The Codex is shutting down or shut down: the turn was refused or cancelled. */
export class ShutdownError extends CodexError {
  override readonly name = "ShutdownError";
  readonly kind = "shutdown";
  constructor(message = "The Codex is shutting down; the turn was not run.") {
    super(message);
  }
}

/**
 * A fault inside codex-actors' own tree — one of its actors, or a callback you gave it
 * (`supervision.isTransient`, `inspect`, …) — ended the turn. Its processes are gone and its
 * concurrency slot is free; it is not restarted. `where` names what faulted, `cause` is the error
 * it threw. A fault in your callback is yours to fix; any other is a bug of codex-actors: report it.
 */
export class InternalError extends CodexError {
  override readonly name = "InternalError";
  readonly kind = "internal";
  /** The failure the turn had met before the fault, if it had met one (absent otherwise). */
  declare readonly failure?: CodexError;
  constructor(
    /** What faulted: a callback (`supervision.isTransient`) or an actor (`thread actor`). */
    readonly where: string,
    cause: unknown,
    failure?: CodexError,
  ) {
    const before = failure
      ? ` while handling its failure (${failure.name}: ${failure.message})`
      : "";
    super(
      `${where} threw${before}: ${describeThrown(cause)}. The turn was ended, its processes stopped; ` +
        `it was not restarted. Fix the callback if ${where} is yours; otherwise report this as a bug.`,
      { cause },
    );
    if (failure) Object.defineProperty(this, "failure", { value: failure, enumerable: true });
  }
}

function describeExit(exitCode: number | null, signal: string | null, stderrTail: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
  const tail = explainingStderr(stderrTail, signal);
  return `codex ${how} before the turn ended${tail ? `: ${tail}` : "."}`;
}

/** The stderr line that says what codex refused: its first `error` line, else its last line. */
function refusalLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^error\b/i.test(line)) ?? lines[lines.length - 1] ?? "";
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim();
}
