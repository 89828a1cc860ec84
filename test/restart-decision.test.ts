import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { DEFAULT_POLICY, type ResolvedPolicy } from "../src/supervision/policy.js";
import {
  backoffDelay,
  decideRestart,
  type FailedAttempt,
  type RestartDecision,
} from "../src/supervision/restart-decision.js";
import { NO_FAILURE_CLASSES } from "../src/supervision/classify.js";
import { APP_SERVER_FAILURES } from "../src/transports/app-server/app-server-transport.js";
import { AppServerClosedError, AppServerCrashLoopError } from "../src/types/app-server-errors.js";
import {
  AbortError,
  CodexConfigError,
  CodexExitError,
  CodexNotFoundError,
  EscalatedError,
  IdleTimeoutError,
  InvalidOptionError,
  OutputSchemaError,
  ProtocolError,
  RestartLimitError,
  ShutdownError,
  TurnFailedError,
  TurnTimeoutError,
  UntrustedDirectoryError,
  type CodexError,
} from "../src/types/errors.js";

const NOW = 1_000_000;
const CLAP_USAGE_ERROR =
  "error: unexpected argument '--foo' found\n\nUsage: codex exec [OPTIONS] [PROMPT]\n\n" +
  "For more information, try '--help'.\n";

const crash = () => new CodexExitError(null, "SIGKILL", "");
const unauthorized = () =>
  new TurnFailedError("unexpected status 401 Unauthorized: Incorrect API key provided", 1);
const serverError = () =>
  new TurnFailedError(
    "We’re currently experiencing high demand, which may cause temporary errors.",
  );

/** The default policy without jitter (so delays are exact), with `overrides`. */
function policy(overrides: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return {
    ...DEFAULT_POLICY,
    backoff: { ...DEFAULT_POLICY.backoff, jitter: false },
    ...overrides,
  };
}

/** A failed first attempt of a turn: no side effect, no earlier restart. */
function decide(attempt: Partial<FailedAttempt> & Pick<FailedAttempt, "error">): RestartDecision {
  return decideRestart({
    policy: policy(),
    failures: NO_FAILURE_CLASSES,
    sideEffect: null,
    restartTimes: [],
    now: NOW,
    random: 0.5,
    ...attempt,
  });
}

/** Insists on a refusal and returns it. */
function refused(decision: RestartDecision) {
  if (decision.restart) throw new Error(`expected no restart, got a delay of ${decision.delayMs}`);
  return decision;
}

const NEVER_RESTARTED: Array<[string, CodexError]> = [
  ["an abort", new AbortError()],
  ["a shutdown", new ShutdownError()],
  ["a turn timeout", new TurnTimeoutError(5_000)],
  ["an escalation", new EscalatedError(3, 60_000)],
  ["a restart limit", new RestartLimitError([crash()], 3, 60_000)],
];

const CONFIGURATION_ERRORS: Array<[string, CodexError]> = [
  ["a missing binary", new CodexNotFoundError("/nowhere/codex")],
  ["an invalid option", new InvalidOptionError("model", "expected a string")],
  ["an invalid schema", new OutputSchemaError("type must be a string")],
  ["an untrusted directory", new UntrustedDirectoryError(1, "Not inside a trusted directory.")],
  ["invalid arguments", new CodexConfigError(2, CLAP_USAGE_ERROR)],
  [
    "a setting codex refused before turn.started",
    new CodexConfigError(1, 'Error: approval_policy = "untrusted" is no longer supported'),
  ],
];

describe("decideRestart: restart types", () => {
  it("never restarts when supervision is off", () => {
    const decision = refused(decide({ policy: false, error: crash() }));
    expect(decision.limitExceeded).toBe(false);
    expect(decision.reason).toMatch(/off/);
  });

  it("never restarts a temporary turn, not even a crash", () => {
    for (const error of [crash(), new IdleTimeoutError(100), serverError()]) {
      const decision = refused(decide({ policy: policy({ restart: "temporary" }), error }));
      expect(decision.limitExceeded).toBe(false);
      expect(decision.reason).toMatch(/temporary/);
    }
  });

  it("restarts a transient failure under the transient policy after the initial backoff", () => {
    for (const error of [crash(), new IdleTimeoutError(100)]) {
      expect(decide({ error })).toEqual({ restart: true, delayMs: 250 });
    }
  });

  it("does not restart a service failure codex already retried, unless restartServiceFailures", () => {
    const decision = refused(decide({ error: serverError() }));
    expect(decision.reason).toMatch(/already retried.*restartServiceFailures/);
    const opted = policy({ restartServiceFailures: true });
    expect(decide({ policy: opted, error: serverError() })).toEqual({
      restart: true,
      delayMs: 250,
    });
    expect(refused(decide({ policy: opted, error: unauthorized() })).reason).toMatch(
      /not transient/,
    );
  });

  it("does not restart a failure that is not transient under the transient policy", () => {
    for (const error of [unauthorized(), new ProtocolError(2, "x", "not JSON")]) {
      const decision = refused(decide({ error }));
      expect(decision.limitExceeded).toBe(false);
      expect(decision.reason).toMatch(/not transient/);
    }
  });

  it("uses a custom isTransient instead of the default classification", () => {
    const seen: CodexError[] = [];
    const everything = policy({ isTransient: (error) => (seen.push(error), true) });
    const error = unauthorized();
    expect(decide({ policy: everything, error }).restart).toBe(true);
    expect(seen).toEqual([error]);

    const nothing = policy({ isTransient: () => false });
    expect(decide({ policy: nothing, error: crash() }).restart).toBe(false);
  });

  it("restarts every other failure under the permanent policy, transient or not", () => {
    const permanent = policy({ restart: "permanent" });
    for (const error of [crash(), unauthorized(), new ProtocolError(1, "x", "not JSON")]) {
      expect(decide({ policy: permanent, error })).toEqual({ restart: true, delayMs: 250 });
    }
  });

  it.each(CONFIGURATION_ERRORS)("never restarts %s, under any policy", (_, error) => {
    for (const restart of ["transient", "permanent", "temporary"] as const) {
      const lenient = policy({ restart, isTransient: () => true, restartServiceFailures: true });
      const decision = refused(decide({ policy: lenient, error }));
      expect(decision.limitExceeded).toBe(false);
      expect(decision.reason).toMatch(/configuration/);
    }
  });

  it.each(NEVER_RESTARTED)("never restarts %s, whatever the policy", (_, error) => {
    for (const restart of ["transient", "permanent"] as const) {
      const lenient = policy({ restart, isTransient: () => true, restartAfterSideEffects: true });
      const decision = refused(decide({ policy: lenient, error }));
      expect(decision.limitExceeded).toBe(false);
    }
  });
});

describe("decideRestart: a transport's own failures", () => {
  const closed = () => new AppServerClosedError("the server's stdout ended");
  const crashLoop = () => new AppServerCrashLoopError(4, 60_000, "exit 1", new Date(NOW));

  it("restarts what the transport calls transient, by default", () => {
    expect(decide({ error: closed(), failures: APP_SERVER_FAILURES }).restart).toBe(true);
    // The same kind from a transport that does not declare it is not transient.
    expect(refused(decide({ error: closed() })).reason).toBe("the failure is not transient");
  });

  it("never restarts what the transport calls final, whatever the policy", () => {
    const lenient = policy({ restart: "permanent", restartAfterSideEffects: true });
    const decision = refused(
      decide({ policy: lenient, error: crashLoop(), failures: APP_SERVER_FAILURES }),
    );
    expect(decision.reason).toBe("a app_server_crash_loop failure is never restarted");
  });
});

describe("decideRestart: side effects", () => {
  it.each(["command_execution", "file_change", "mcp_tool_call"])(
    "does not restart after a %s started, and says so",
    (sideEffect) => {
      for (const restart of ["transient", "permanent"] as const) {
        const decision = refused(
          decide({ policy: policy({ restart }), error: crash(), sideEffect }),
        );
        expect(decision.limitExceeded).toBe(false);
        expect(decision.reason).toContain(sideEffect);
        expect(decision.reason).toContain("restartAfterSideEffects");
      }
    },
  );

  it("restarts after a side effect when restartAfterSideEffects is set", () => {
    const decision = decide({
      policy: policy({ restartAfterSideEffects: true }),
      error: crash(),
      sideEffect: "command_execution",
    });
    expect(decision).toEqual({ restart: true, delayMs: 250 });
  });
});

describe("decideRestart: intensity", () => {
  it("refuses the (N+1)th restart within withinMs with limitExceeded", () => {
    const limited = policy({ maxRestarts: 3, withinMs: 60_000 });
    const restartTimes: number[] = [];
    let now = NOW;
    for (let restart = 1; restart <= 3; restart++) {
      expect(decide({ policy: limited, error: crash(), restartTimes, now }).restart).toBe(true);
      restartTimes.push(now);
      now += 1_000;
    }
    const decision = refused(decide({ policy: limited, error: crash(), restartTimes, now }));
    expect(decision.limitExceeded).toBe(true);
  });

  it("refuses even the first restart when maxRestarts is 0", () => {
    const decision = refused(decide({ policy: policy({ maxRestarts: 0 }), error: crash() }));
    expect(decision.limitExceeded).toBe(true);
  });

  it("does not count restarts older than withinMs", () => {
    const limited = policy({ maxRestarts: 2, withinMs: 10_000 });
    const old = [NOW - 50_000, NOW - 30_000, NOW - 10_001];
    expect(decide({ policy: limited, error: crash(), restartTimes: old }).restart).toBe(true);
    const mixed = [NOW - 50_000, NOW - 20_000, NOW - 5_000, NOW - 1_000];
    expect(refused(decide({ policy: limited, error: crash(), restartTimes: mixed }))).toMatchObject(
      { limitExceeded: true },
    );
  });

  it("reports a refusal for another reason without limitExceeded, even with a full window", () => {
    const restartTimes = [NOW - 3, NOW - 2, NOW - 1];
    const decision = refused(decide({ error: unauthorized(), restartTimes }));
    expect(decision.limitExceeded).toBe(false);
  });
});

describe("decideRestart: backoff", () => {
  it("doubles the delay with each earlier restart of the turn", () => {
    const delays = [0, 1, 2, 3].map((count) => {
      const restartTimes = Array.from({ length: count }, (_, index) => NOW - 100 + index);
      const decision = decide({
        policy: policy({ maxRestarts: 10 }),
        error: crash(),
        restartTimes,
      });
      return decision.restart ? decision.delayMs : null;
    });
    expect(delays).toEqual([250, 500, 1_000, 2_000]);
  });

  it("jitters the delay within [half, full] using the random input", () => {
    const jittered = policy({ backoff: { ...DEFAULT_POLICY.backoff, jitter: true } });
    const low = decide({ policy: jittered, error: crash(), random: 0 });
    const high = decide({ policy: jittered, error: crash(), random: 0.999 });
    expect(low).toEqual({ restart: true, delayMs: 125 });
    expect(high.restart && high.delayMs).toBeGreaterThanOrEqual(249);
    expect(high.restart && high.delayMs).toBeLessThanOrEqual(250);
  });
});

describe("backoffDelay", () => {
  const exact = { initialMs: 250, maxMs: 8_000, factor: 2, jitter: false };

  it("is initialMs * factor^n without jitter, capped at maxMs", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(exact, n, 0.5));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it("follows another factor and cap", () => {
    const triple = { initialMs: 100, maxMs: 1_000, factor: 3, jitter: false };
    expect([0, 1, 2, 3].map((n) => backoffDelay(triple, n, 0))).toEqual([100, 300, 900, 1_000]);
  });

  it("ignores the random input without jitter", () => {
    expect(backoffDelay(exact, 2, 0)).toBe(1_000);
    expect(backoffDelay(exact, 2, 0.999)).toBe(1_000);
  });

  it("with jitter, gives half the delay at random 0 and nearly all of it at 0.999", () => {
    const jittered = { ...exact, jitter: true };
    expect(backoffDelay(jittered, 2, 0)).toBe(500);
    expect(backoffDelay(jittered, 2, 0.999)).toBeGreaterThanOrEqual(999);
    expect(backoffDelay(jittered, 2, 0.999)).toBeLessThanOrEqual(1_000);
    expect(backoffDelay(jittered, 8, 0)).toBe(4_000);
    expect(backoffDelay(jittered, 8, 0.999)).toBeLessThanOrEqual(8_000);
  });

  it("with jitter, always stays within [full/2, full]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.nat({ max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (initialMs, maxMs, factor, n, random) => {
          const full = Math.min(maxMs, initialMs * factor ** n);
          const delay = backoffDelay({ initialMs, maxMs, factor, jitter: true }, n, random);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(full / 2));
          expect(delay).toBeLessThanOrEqual(Math.ceil(full));
        },
      ),
    );
  });
});
