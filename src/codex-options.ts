import { InvalidOptionError } from "./types/errors.js";
import type { CodexOptions, TurnOptions } from "./types/options.js";

/** Rejects, by name, the supervision options no process could honour. */
export function checkCodexOptions(options: CodexOptions): void {
  const { maxConcurrentTurns, escalation, killGraceMs } = options;
  if (maxConcurrentTurns !== undefined && !(maxConcurrentTurns >= 1)) {
    throw invalid("maxConcurrentTurns", "a number >= 1", maxConcurrentTurns);
  }
  if (escalation !== undefined) {
    if (!(escalation.maxFailures >= 0))
      throw invalid("escalation.maxFailures", "a number >= 0", escalation.maxFailures);
    if (!(escalation.withinMs > 0))
      throw invalid("escalation.withinMs", "a number > 0", escalation.withinMs);
  }
  if (killGraceMs !== undefined && !(killGraceMs >= 0))
    throw invalid("killGraceMs", "a number >= 0", killGraceMs);
}

/** Rejects timeouts that are not positive numbers, and a `rejectInvalidOutput` not boolean. */
export function checkTurnOptions(options: TurnOptions): void {
  const { rejectInvalidOutput } = options;
  if (rejectInvalidOutput !== undefined && typeof rejectInvalidOutput !== "boolean") {
    throw invalid("rejectInvalidOutput", "a boolean", rejectInvalidOutput);
  }
  for (const name of ["timeoutMs", "idleTimeoutMs"] as const) {
    const value = options[name];
    if (value !== undefined && !(value > 0 && value <= 2_147_483_647)) {
      throw invalid(name, "a number of milliseconds between 1 and 2147483647", value);
    }
  }
}

function invalid(option: string, expected: string, value: unknown): InvalidOptionError {
  return new InvalidOptionError(
    option,
    `expected ${expected}, got ${String(value)} (${typeof value})`,
  );
}
