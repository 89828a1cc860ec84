import type { CodexError } from "../types/errors.js";

/** How a failed turn is restarted: OTP's restart type, intensity and period, plus backoff. */
export type SupervisionPolicy = {
  /** `temporary`: never; `transient`: failures classified transient; `permanent`: all but abort, shutdown, configuration. */
  restart?: "transient" | "permanent" | "temporary";
  /** Intensity: at most this many restarts within `withinMs` (default 3). */
  maxRestarts?: number;
  /** Period of the intensity, in ms (default 60 000). */
  withinMs?: number;
  /** Exponential backoff between attempts (defaults 250 ms, 8 000 ms, ×2, with jitter). */
  backoff?: { initialMs?: number; maxMs?: number; factor?: number; jitter?: boolean };
  /** Restart even when a command, file change or MCP call had started (default false). */
  restartAfterSideEffects?: boolean;
  /**
   * Also restart a `turn.failed` for rate limits, overload, 5xx or a dropped stream (default
   * false). codex has already retried those requests itself, so each restart multiplies its
   * retries (and resends the prompt): opt in only where a turn must outlast an outage.
   */
  restartServiceFailures?: boolean;
  /** Replaces the default classification of transient failures (configuration errors stay final). */
  isTransient?: (error: CodexError) => boolean;
};

/** A policy with every default filled in. */
export type ResolvedPolicy = Required<Omit<SupervisionPolicy, "backoff" | "isTransient">> & {
  backoff: Required<NonNullable<SupervisionPolicy["backoff"]>>;
  /** The policy's own classification of transient failures, if it has one. */
  isTransient?: (error: CodexError) => boolean;
};

/**
 * The defaults: transient restarts (crashes, idle timeouts; not the service failures codex
 * already retried), 3 within a minute, 250 ms doubling to 8 s with jitter.
 */
export const DEFAULT_POLICY: ResolvedPolicy = {
  restart: "transient",
  maxRestarts: 3,
  withinMs: 60_000,
  backoff: { initialMs: 250, maxMs: 8_000, factor: 2, jitter: true },
  restartAfterSideEffects: false,
  restartServiceFailures: false,
};

/**
 * The policy of a thread: its own fields over the Codex's over the defaults. `false` at the
 * thread turns supervision off; `false` at the Codex is overridden by a thread's own policy.
 */
export function resolvePolicy(
  codexLevel: SupervisionPolicy | false | undefined,
  threadLevel: SupervisionPolicy | false | undefined,
): ResolvedPolicy | false {
  if (threadLevel === false) return false;
  if (codexLevel === false && threadLevel === undefined) return false;
  const layers = [codexLevel || {}, threadLevel ?? {}];
  const resolved: ResolvedPolicy = { ...DEFAULT_POLICY, backoff: { ...DEFAULT_POLICY.backoff } };
  for (const layer of layers) {
    const { backoff, ...rest } = layer;
    Object.assign(resolved, withoutUndefined(rest));
    Object.assign(resolved.backoff, withoutUndefined(backoff ?? {}));
  }
  return resolved;
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
