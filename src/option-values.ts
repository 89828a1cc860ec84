import { InvalidOptionError } from "./types/errors.js";
import type { TurnOptions } from "./types/options.js";

/* Checks of single option values, each throwing `InvalidOptionError` naming option, value, type. */

/** The longest delay Node's timers honour (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_DURATION_MS = 2_147_483_647;

/** A duration: an integer number of milliseconds from `min` to `MAX_DURATION_MS`. */
export function checkDuration(option: string, value: unknown, min: 0 | 1): void {
  if (value === undefined) return;
  if (!(
    Number.isInteger(value) &&
    (value as number) >= min &&
    (value as number) <= MAX_DURATION_MS
  ))
    throw invalid(
      option,
      `an integer number of milliseconds from ${min} to ${MAX_DURATION_MS}`,
      value,
    );
}

/** A count: an integer from `min` up (`Infinity` too when `unbounded` may be asked for). */
export function checkCount(option: string, value: unknown, min: number, unbounded = false): void {
  if (value === undefined) return;
  const ok =
    (Number.isSafeInteger(value) && (value as number) >= min) || (unbounded && value === Infinity);
  if (!ok) throw invalid(option, `an integer >= ${min}${unbounded ? " (or Infinity)" : ""}`, value);
}

/** A finite number from `min` up. */
export function checkNumber(option: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (!(typeof value === "number" && Number.isFinite(value) && value >= min))
    throw invalid(option, `a finite number >= ${min}`, value);
}

/** A boolean. */
export function checkBoolean(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") throw invalid(option, "a boolean", value);
}

/** One of a few strings. */
export function checkOneOf(option: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined || allowed.includes(value as string)) return;
  throw invalid(option, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, value);
}

/** A plain object (not null, not an array); `undefined` passes unless `required`. */
export function checkObject(option: string, value: unknown, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid(option, "an object", value);
}

/** An `AbortSignal` (or an object that behaves as one, from another realm). */
export function checkAbortSignal(option: string, value: unknown): void {
  if (value === undefined) return;
  const signal = value as Partial<AbortSignal> | null;
  const ok =
    typeof signal === "object" &&
    signal !== null &&
    typeof signal.aborted === "boolean" &&
    typeof signal.addEventListener === "function" &&
    typeof signal.removeEventListener === "function";
  if (!ok) throw invalid(option, "an AbortSignal", value);
}

/** The error for `value`, which is not `expected`. */
export function invalid(option: string, expected: string, value: unknown): InvalidOptionError {
  return new InvalidOptionError(option, `expected ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  let shown: string;
  if (typeof value === "string") shown = JSON.stringify(value);
  else if (type === "object" || type === "array") shown = safeJson(value);
  else shown = String(value);
  return `\`${shown}\` (${type})`;
}

function safeJson(value: unknown): string {
  try {
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
  } catch {
    return String(value);
  }
}

/** A thread id must not be read as a flag by the CLI. */
export function checkThreadId(id: string): string {
  if (typeof id !== "string" || id.trim().length === 0 || id.startsWith("-")) {
    throw new InvalidOptionError(
      "thread id",
      `${JSON.stringify(id)} is not a thread id; pass the \`thread.id\` of an earlier turn`,
    );
  }
  return id;
}

/**
 * Rejects turn option values that are not what they say, whatever the transport: a signal that
 * is no `AbortSignal`, bad timeouts, flags that are not booleans.
 */
export function checkTurnOptionValues(options: TurnOptions): void {
  checkObject("turnOptions", options, true);
  checkAbortSignal("signal", options.signal);
  checkDuration("timeoutMs", options.timeoutMs, 1);
  checkDuration("idleTimeoutMs", options.idleTimeoutMs, 1);
  checkBoolean("rejectInvalidOutput", options.rejectInvalidOutput);
  checkBoolean("deltas", options.deltas);
  checkBudget("budget", options.budget, true);
}

/**
 * A budget: an object whose `maxTokens` (and, unless `tokensOnly`, `maxTurns`) are integers from
 * 0 up, or Infinity; nothing else in it.
 */
export function checkBudget(option: string, value: unknown, tokensOnly = false): void {
  checkObject(option, value);
  if (value === undefined) return;
  const allowed = tokensOnly ? ["maxTokens"] : ["maxTokens", "maxTurns"];
  const unknown = Object.keys(value as object).find((key) => !allowed.includes(key));
  if (unknown !== undefined)
    throw invalid(
      `${option}.${unknown}`,
      `one of ${allowed.join(", ")} (a budget's limits)`,
      value,
    );
  const { maxTokens, maxTurns } = value as { maxTokens?: unknown; maxTurns?: unknown };
  checkCount(`${option}.maxTokens`, maxTokens, 0, true);
  checkCount(`${option}.maxTurns`, maxTurns, 0, true);
}

/** Rejects the options of `shutdown(...)` that no timer could honour. */
export function checkShutdownOptions(options: { timeoutMs?: number }): void {
  checkObject("shutdown options", options, true);
  checkDuration("timeoutMs", options.timeoutMs, 0);
}
