import type { ResolvedPolicy } from "../supervision/policy.js";
import { decideRestart } from "../supervision/restart-decision.js";
import { AbortError, type CodexError } from "../types/errors.js";
import type { TurnRestartedEvent } from "../types/events.js";
import { WorkerLostError } from "./errors.js";
import { INTERRUPTED_BY_PRODUCER, type TurnClaim } from "./turn-record.js";
import { TurnInterruptedError } from "../types/app-server-errors.js";
import type { TurnEnd } from "./turn-job.js";

/** What a worker does with a job it has just taken, given the turn's record. */
export type RetakeDecision =
  /** The turn is over: its end is written; complete or fail the job as it says. */
  | { do: "report"; end: TurnEnd }
  /** An earlier take reached the end and stored the session: write that end, run nothing. */
  | { do: "write"; end: TurnEnd }
  /** Run the turn: the first take, or a restart (announced by `restarted`, after its delay). */
  | { do: "run"; restarted?: TurnRestartedEvent }
  /** Do not run it (again): the turn fails with this error. */
  | { do: "fail"; error: WorkerLostError | AbortError | TurnInterruptedError };

/** What the decision depends on besides the record. */
export type Retake = {
  turnId: string;
  claim: TurnClaim;
  /** The worker's supervision policy (its `codex.supervision`), resolved. */
  policy: ResolvedPolicy | false;
  now: number;
  /** A number in [0, 1) for jitter. */
  random: number;
};

/**
 * Decides, purely, what a worker does with a job it took: an ended turn is reported, never run
 * again (idempotent completion); one whose end was reached is ended without a run; one its
 * producer cancelled fails with `AbortError` without a run, one it interrupted with
 * `TurnInterruptedError`; one a lost
 * worker had started is run again only as the supervision policy allows a restart — never blindly
 * after a command, file change or MCP call (`restartAfterSideEffects`).
 */
export function decideRetake({ turnId, claim, policy, now, random }: Retake): RetakeDecision {
  if (claim.end) return { do: "report", end: claim.end };
  if (claim.finish) return { do: "write", end: claim.finish };
  if (claim.cancelled)
    return { do: "fail", error: new AbortError("The turn was aborted by its producer.") };
  if (claim.interrupted)
    return { do: "fail", error: new TurnInterruptedError(INTERRUPTED_BY_PRODUCER) };
  if (claim.attempts === 0) return { do: "run" };
  const lost = new WorkerLostError(turnId, claim.sideEffects, "");
  const decision = decideRestart({
    // A lost worker is a crash, transient by definition: the policy's own `isTransient` (the
    // user's classifier of codex's failures) is not asked, so no user code runs here.
    policy: policy && { ...policy, isTransient: undefined },
    error: lost as unknown as CodexError, // decideRestart reads its `kind`
    failures: { transient: [lost.kind], final: [] },
    sideEffect: claim.sideEffects[0]?.type ?? null,
    restartTimes: claim.restartTimes,
    now,
    random,
  });
  if (!decision.restart)
    return { do: "fail", error: new WorkerLostError(turnId, claim.sideEffects, decision.reason) };
  return {
    do: "run",
    restarted: {
      type: "turn.restarted",
      attempt: claim.attempts + 1,
      delayMs: decision.delayMs,
      error: {
        message:
          `The worker running turn ${turnId} was lost (killed, or its lock expired) ` +
          (claim.sideEffects.length === 0
            ? "before any command, file change or MCP call; it runs again."
            : `after ${claim.sideEffects.length} side effect(s); it runs again (restartAfterSideEffects).`),
        kind: lost.kind,
      },
    },
  };
}
