import { fromPromise } from "xstate";
import type { Clock } from "../supervision/clock.js";
import {
  decideRestart,
  type FailedAttempt,
  type RestartDecision,
} from "../supervision/restart-decision.js";

/** The failed attempt in hand, as the restart decision takes it, and the clock to decide by. */
export type FailureToDecide = Omit<FailedAttempt, "now" | "random"> & { clock: Clock };

/** The restart decision and when it was made, as the decider outputs it. */
export type DecisionMade = { decision: RestartDecision; now: number };

/**
 * Decides whether a failed attempt is restarted. It runs as an actor, not inside `assign`: a
 * policy's `isTransient` is the user's code, so a throw ends in the actor's error path; and the
 * decision reads the clock and draws the backoff's jitter.
 */
export const restartDeciderLogic = fromPromise<DecisionMade, FailureToDecide>(
  async ({ input: { clock, ...failure } }) => {
    const now = clock.now();
    return { decision: decideRestart({ ...failure, now, random: clock.random() }), now };
  },
);
