import { describe, expect, it } from "@jest/globals";
import { DEFAULT_POLICY, resolvePolicy } from "../src/supervision/policy.js";
import type { ResolvedPolicy } from "../src/supervision/policy.js";
import type { SupervisionPolicy } from "../src/types/supervision.js";
import type { CodexError } from "../src/types/errors.js";

/** The policy of issue 3 (and issue 12: one retry layer) when nobody configured anything. */
const ISSUE_DEFAULTS = {
  restart: "transient",
  maxRestarts: 3,
  withinMs: 60_000,
  backoff: { initialMs: 250, maxMs: 8_000, factor: 2, jitter: true },
  restartAfterSideEffects: false,
  restartServiceFailures: false,
};

/** Resolves and insists that supervision stayed on. */
function resolved(
  codexLevel: SupervisionPolicy | false | undefined,
  threadLevel: SupervisionPolicy | false | undefined,
): ResolvedPolicy {
  const policy = resolvePolicy(codexLevel, threadLevel);
  if (policy === false) throw new Error("expected supervision to be on");
  return policy;
}

describe("DEFAULT_POLICY", () => {
  it("holds the defaults the issue states", () => {
    expect(DEFAULT_POLICY).toEqual(ISSUE_DEFAULTS);
  });

  it("has no custom classification", () => {
    expect(DEFAULT_POLICY.isTransient).toBeUndefined();
  });
});

describe("resolvePolicy", () => {
  it("gives the defaults when neither the Codex nor the thread sets a policy", () => {
    expect(resolvePolicy(undefined, undefined)).toEqual(ISSUE_DEFAULTS);
    expect(resolvePolicy({}, {})).toEqual(ISSUE_DEFAULTS);
  });

  it("takes the Codex's fields over the defaults", () => {
    const policy = resolved({ restart: "permanent", maxRestarts: 5 }, undefined);
    expect(policy).toEqual({ ...ISSUE_DEFAULTS, restart: "permanent", maxRestarts: 5 });
  });

  it("takes the thread's fields over the Codex's, field by field", () => {
    const policy = resolved(
      { restart: "permanent", maxRestarts: 5, withinMs: 10_000 },
      { maxRestarts: 1, restartAfterSideEffects: true },
    );
    expect(policy).toEqual({
      ...ISSUE_DEFAULTS,
      restart: "permanent",
      maxRestarts: 1,
      withinMs: 10_000,
      restartAfterSideEffects: true,
    });
  });

  it("merges nested backoff field by field across defaults, Codex and thread", () => {
    const policy = resolved(
      { backoff: { initialMs: 100, factor: 3 } },
      { backoff: { maxMs: 500 } },
    );
    expect(policy.backoff).toEqual({ initialMs: 100, maxMs: 500, factor: 3, jitter: true });
  });

  it("lets a thread turn jitter off while keeping the Codex's other backoff fields", () => {
    const policy = resolved({ backoff: { initialMs: 10 } }, { backoff: { jitter: false } });
    expect(policy.backoff).toEqual({ initialMs: 10, maxMs: 8_000, factor: 2, jitter: false });
  });

  it("does not let undefined fields erase the Codex's or the defaults' values", () => {
    const policy = resolved(
      { restart: "permanent", maxRestarts: 7, backoff: { initialMs: 40 } },
      {
        restart: undefined,
        maxRestarts: undefined,
        withinMs: undefined,
        backoff: { initialMs: undefined, maxMs: undefined },
      },
    );
    expect(policy).toEqual({
      ...ISSUE_DEFAULTS,
      restart: "permanent",
      maxRestarts: 7,
      backoff: { ...ISSUE_DEFAULTS.backoff, initialMs: 40 },
    });
  });

  it("keeps falsy but defined values such as 0 and false", () => {
    const policy = resolved(
      { restartAfterSideEffects: true, backoff: { jitter: true } },
      { maxRestarts: 0, restartAfterSideEffects: false, backoff: { initialMs: 0, jitter: false } },
    );
    expect(policy.maxRestarts).toBe(0);
    expect(policy.restartAfterSideEffects).toBe(false);
    expect(policy.backoff.initialMs).toBe(0);
    expect(policy.backoff.jitter).toBe(false);
  });

  it("carries a custom isTransient, the thread's replacing the Codex's", () => {
    const codexClassifier = (_error: CodexError) => true;
    const threadClassifier = (_error: CodexError) => false;
    expect(resolved({ isTransient: codexClassifier }, undefined).isTransient).toBe(codexClassifier);
    expect(
      resolved({ isTransient: codexClassifier }, { isTransient: threadClassifier }).isTransient,
    ).toBe(threadClassifier);
    expect(resolved({ isTransient: codexClassifier }, {}).isTransient).toBe(codexClassifier);
  });

  it("turns supervision off when the thread says false, whatever the Codex says", () => {
    expect(resolvePolicy(undefined, false)).toBe(false);
    expect(resolvePolicy({ restart: "permanent" }, false)).toBe(false);
    expect(resolvePolicy(false, false)).toBe(false);
  });

  it("turns supervision off when the Codex says false and the thread sets nothing", () => {
    expect(resolvePolicy(false, undefined)).toBe(false);
  });

  it("lets a thread's own policy override false at the Codex level, over the defaults", () => {
    expect(resolvePolicy(false, { maxRestarts: 2 })).toEqual({ ...ISSUE_DEFAULTS, maxRestarts: 2 });
    expect(resolvePolicy(false, {})).toEqual(ISSUE_DEFAULTS);
  });

  it("never changes DEFAULT_POLICY or the policies it is given", () => {
    const codexLevel: SupervisionPolicy = { backoff: { initialMs: 1 } };
    const threadLevel: SupervisionPolicy = { backoff: { maxMs: 2 }, maxRestarts: 9 };
    const policy = resolved(codexLevel, threadLevel);
    policy.backoff.factor = 10;
    policy.maxRestarts = 99;
    expect(DEFAULT_POLICY).toEqual(ISSUE_DEFAULTS);
    expect(codexLevel).toEqual({ backoff: { initialMs: 1 } });
    expect(threadLevel).toEqual({ backoff: { maxMs: 2 }, maxRestarts: 9 });
    expect(resolvePolicy(undefined, undefined)).toEqual(ISSUE_DEFAULTS);
  });
});
