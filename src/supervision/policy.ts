import type { CodexError } from "../types/errors.js";
import type { SupervisionPolicy } from "../types/supervision.js";

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
