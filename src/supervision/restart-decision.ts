import type { CodexError } from "../types/errors.js";
import {
  isConfigurationError,
  isServiceFailure,
  isTransientByDefault,
  type FailureClasses,
} from "./classify.js";
import type { ResolvedPolicy } from "./policy.js";

/** What supervision does after a failed attempt. */
export type RestartDecision =
  { restart: true; delayMs: number } | { restart: false; reason: string; limitExceeded: boolean };

/** What the decision depends on. */
export type FailedAttempt = {
  policy: ResolvedPolicy | false;
  error: CodexError;
  /** The kinds of failure the attempt's transport adds (transient, or never restarted). */
  failures: FailureClasses;
  /** The item type of a side effect that started in the failed attempt, if any. */
  sideEffect: string | null;
  /** When earlier restarts of this turn happened (ms timestamps). */
  restartTimes: readonly number[];
  now: number;
  /** A number in [0, 1) for jitter. */
  random: number;
};

/**
 * The kinds of failure no policy restarts, on any transport: a stop somebody asked for,
 * supervision's own verdicts, a fault, and the kinds that are never an attempt's failure (a
 * refused call, a check made after the turn ended). A transport adds its own (`failures.final`).
 */
export const NEVER_RESTARTED: ReadonlySet<string> = new Set([
  "aborted",
  "shutdown",
  "turn_timeout",
  "turn_interrupted",
  "escalated",
  "restart_limit",
  "budget_exceeded",
  "internal",
  "output_validation",
  "unsupported",
  "turn_not_running",
]);

/** Decides, purely, whether and after how long a failed attempt is restarted. */
export function decideRestart(attempt: FailedAttempt): RestartDecision {
  const { policy, error } = attempt;
  const no = (reason: string, limitExceeded = false): RestartDecision => ({
    restart: false,
    reason,
    limitExceeded,
  });
  if (policy === false) return no("supervision is off");
  if (NEVER_RESTARTED.has(error.kind) || attempt.failures.final.includes(error.kind))
    return no(`a ${error.kind} failure is never restarted`);
  if (isConfigurationError(error)) return no("a configuration error cannot be mended by a restart");
  if (policy.restart === "temporary") return no('the restart policy is "temporary"');
  if (policy.restart === "transient") {
    const transient = policy.isTransient
      ? policy.isTransient(error)
      : isTransientByDefault(error, policy, attempt.failures);
    if (!transient) return no(notTransientReason(policy, error));
  }
  if (attempt.sideEffect && !policy.restartAfterSideEffects) {
    return no(
      `a ${attempt.sideEffect} item had started (set restartAfterSideEffects to retry anyway)`,
    );
  }
  const recent = attempt.restartTimes.filter((time) => attempt.now - time < policy.withinMs).length;
  if (recent >= policy.maxRestarts) {
    return no(`more than ${policy.maxRestarts} restarts within ${policy.withinMs} ms`, true);
  }
  return {
    restart: true,
    delayMs: backoffDelay(policy.backoff, attempt.restartTimes.length, attempt.random),
  };
}

function notTransientReason(policy: ResolvedPolicy, error: CodexError): string {
  if (!policy.isTransient && !policy.restartServiceFailures && isServiceFailure(error)) {
    return "codex had already retried the request itself (set restartServiceFailures to restart it)";
  }
  return "the failure is not transient";
}

/** The delay before restart number `n + 1`: exponential, capped, with half of it jittered. */
export function backoffDelay(
  backoff: ResolvedPolicy["backoff"],
  n: number,
  random: number,
): number {
  const full = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** n);
  return Math.round(backoff.jitter ? full / 2 + (full / 2) * random : full);
}
