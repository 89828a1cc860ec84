import { Codex } from "../index.js";
import type { CodexOptions, TurnOptions } from "../types/options.js";
import { stateName } from "../machines/snapshot-tree.js";
import {
  startModelStandIn,
  type RunningStandIn,
  type StandInThreadOptions,
} from "./model-stand-in.js";
import {
  coverageOf,
  coverageTable,
  coveringPaths,
  eventsOf,
  type Coverage,
  type LifecyclePath,
} from "./path-coverage.js";
import { reply, type Reply } from "./replies.js";
import {
  PATH_MAX_RESTARTS,
  turnLifecycle,
  turnLifecycleModel,
  turnSettled,
  type TurnLifecycleContext,
  type TurnLifecycleEvent,
  type TurnOutcome,
} from "./turn-lifecycle.js";

/**
 * How long an attempt may print nothing on a path with an idle kill (`idleTimeoutMs`): long
 * enough for a codex started on a loaded machine to reach its model request first (at 3 s, two
 * suites and four busy processes on 2 cores let the timeout fire before it did).
 */
export const PATH_IDLE_TIMEOUT_MS = 8_000;
/** The deadline (`timeoutMs`) of a path that times out. */
export const PATH_DEADLINE_MS = 3_000;

/** What one attempt of a path does: the reply its model request gets, and what happens then. */
export type PlannedAttempt = {
  /** The lifecycle event this attempt ends with. */
  ending: TurnLifecycleEvent["type"];
  /** `message`: the final answer; `401`: refused; `hang`: no answer, the ending acts meanwhile. */
  reply: "message" | "401" | "hang";
};

/** How a path is made to happen on the real binary: a plan of serializable facts. */
export type TurnScenario = {
  /** One per attempt, in order (none when the breaker is open). */
  attempts: PlannedAttempt[];
  /** Whether a failed turn trips the circuit breaker first (`escalation`), before yours. */
  tripsBreaker: boolean;
  /** The turn options the path needs (`idleTimeoutMs`, `timeoutMs`), beside its `signal`. */
  turnOptions: { idleTimeoutMs?: number; timeoutMs?: number };
  /** The supervision the path runs under (so a crash is restarted once, then given up). */
  codexOptions: Pick<CodexOptions, "supervision" | "escalation">;
};

/** What a path's turn must come to: resolved, or rejected with the named error. */
export type ExpectedTurn = {
  outcome: TurnOutcome;
  /** The error's class name (`RestartLimitError`…) when the turn rejects. */
  error: string | null;
  /** Attempts the turn makes (processes started for it). */
  attempts: number;
};

/** Options of {@link TurnPath.start}. */
export type TurnPathStartOptions = {
  /** More options for the path's `Codex` (after the path's own; don't change its supervision). */
  codex?: CodexOptions;
  /** Added to the environment codex runs in. */
  env?: Record<string, string>;
  /** The final response of a turn that completes (default "Done."). */
  finalMessage?: string;
  /** Replies to model requests after the path's turn (e.g. your code's next turns). */
  after?: Reply[];
};

/** A path, started: what your code needs to run its turn on it, and `close()`. */
export type TurnPathRun = {
  /** A `Codex` on the path's stand-in and supervision (shut down by `close()`). */
  codex: Codex;
  /** `codex.startThread({ ...run.threadOptions })`. */
  threadOptions: StandInThreadOptions;
  /** `thread.run(prompt, { ...run.turnOptions })`: the path's signal and bounds. */
  turnOptions: TurnOptions & { signal: AbortSignal };
  /** The stand-in the path plays (its `requests` say what codex asked). */
  standIn: RunningStandIn;
  /** Shuts the `Codex` down, closes the stand-in, removes its folders. */
  close: () => Promise<void>;
};

/** One path of the turn lifecycle, runnable against the real binary. */
export type TurnPath = {
  /** The path in words, e.g. "codex is killed → restarted → the model answers ⇒ completed". */
  description: string;
  /** The lifecycle events, in order. */
  events: Array<TurnLifecycleEvent["type"]>;
  expected: ExpectedTurn;
  scenario: TurnScenario;
  /** The path as `xstate/graph` generated it (for `path.test(...)` and coverage). */
  graphPath: LifecyclePath;
  /**
   * Starts the stand-in playing the path and a `Codex` on it; trips the breaker first when the
   * path needs it. Run ONE turn of your code with `codex`, `threadOptions` and `turnOptions`
   * (the path aborts or shuts down on its own when it should), check your invariants, `close()`.
   */
  start: (options?: TurnPathStartOptions) => Promise<TurnPathRun>;
};

/** Options of {@link turnPaths}. */
export type TurnPathsOptions = {
  /**
   * `shortest` (default): the shortest path to each distinct end (outcome and restarts);
   * `simple`: every path without a repeated state (more, longer); `covering`: few paths that
   * take every transition at least once.
   */
  strategy?: "shortest" | "simple" | "covering";
};

const WORDS: Record<TurnLifecycleEvent["type"], string> = {
  START: "the turn starts",
  BREAKER_OPEN: "the circuit breaker is open",
  SUCCEED: "the model answers",
  FAIL: "the model refuses (401)",
  CRASH: "codex is killed",
  IDLE: "codex goes silent (idle timeout)",
  ABORT: "the caller aborts",
  SHUTDOWN: "the Codex shuts down",
  DEADLINE: "the deadline passes",
};

const ERRORS: Record<TurnOutcome, string | null> = {
  completed: null,
  failed: "TurnFailedError",
  gaveUp: "RestartLimitError",
  aborted: "AbortError",
  shutDown: "ShutdownError",
  timedOut: "TurnTimeoutError",
  escalated: "EscalatedError",
};

/**
 * Every path of the turn lifecycle ({@link turnLifecycle}) to a settled turn, each with a
 * scenario that makes the real `codex` binary walk exactly that path against the model stand-in
 * (no network, no key). Run your code per path and assert your invariants:
 *
 * ```ts
 * for (const path of turnPaths()) {
 *   it(path.description, async () => {
 *     const run = await path.start();
 *     try {
 *       await myBot(run.codex, run.threadOptions, run.turnOptions);
 *       // your invariants, e.g. no PR opened unless path.expected.outcome === "completed"
 *     } finally {
 *       await run.close();
 *     }
 *   });
 * }
 * ```
 */
export function turnPaths(options: TurnPathsOptions = {}): TurnPath[] {
  const model = turnLifecycleModel();
  const strategy = options.strategy ?? "shortest";
  const paths =
    strategy === "covering"
      ? coveringPaths(model, turnSettled)
      : (strategy === "simple" ? model.getSimplePaths() : model.getShortestPaths()).filter((path) =>
          turnSettled(path.state),
        );
  return paths.map(pathOf);
}

/** What `turnPaths` runs cover of the lifecycle: states, transitions, edges, and a table. */
export function turnPathCoverage(
  paths: Array<Pick<TurnPath, "graphPath">>,
): Coverage & { table: string } {
  const coverage = coverageOf(
    turnLifecycleModel(),
    turnLifecycle,
    paths.map((path) => path.graphPath),
  );
  return { ...coverage, table: coverageTable("turn lifecycle", coverage) };
}

function pathOf(graphPath: LifecyclePath): TurnPath {
  const events = eventsOf(graphPath).map((event) => event.type as TurnLifecycleEvent["type"]);
  const outcome = stateName(graphPath.state.value) as TurnOutcome;
  const restarts = (graphPath.state.context as TurnLifecycleContext).restarts;
  const attempts: PlannedAttempt[] = events
    .filter((type) => type !== "START" && type !== "BREAKER_OPEN")
    .map((ending) => ({
      ending,
      reply: ending === "SUCCEED" ? "message" : ending === "FAIL" ? "401" : "hang",
    }));
  const scenario: TurnScenario = {
    attempts,
    tripsBreaker: events.includes("BREAKER_OPEN"),
    turnOptions: {
      ...(events.includes("IDLE") ? { idleTimeoutMs: PATH_IDLE_TIMEOUT_MS } : {}),
      ...(events.includes("DEADLINE") ? { timeoutMs: PATH_DEADLINE_MS } : {}),
    },
    codexOptions: {
      supervision: {
        restart: "transient",
        maxRestarts: PATH_MAX_RESTARTS,
        withinMs: 600_000,
        backoff: { initialMs: 10, maxMs: 10, jitter: false },
      },
      ...(events.includes("BREAKER_OPEN")
        ? { escalation: { maxFailures: 0, withinMs: 600_000 } }
        : {}),
    },
  };
  const description = `${events
    .filter((type) => type !== "START")
    .map((type, i, all) =>
      (type === "CRASH" || type === "IDLE") && i < all.length - 1
        ? `${WORDS[type]}, restarted`
        : WORDS[type],
    )
    .join(" → ")} ⇒ ${outcome}`;
  return {
    description,
    events,
    expected: {
      outcome,
      error: ERRORS[outcome],
      attempts: outcome === "escalated" ? 0 : restarts + 1,
    },
    scenario,
    graphPath,
    start: (startOptions) => startPath(scenario, startOptions),
  };
}

const replyFor = (attempt: PlannedAttempt, finalMessage: string): Reply =>
  attempt.reply === "message"
    ? reply.message(finalMessage)
    : attempt.reply === "401"
      ? reply.httpError(401, "Incorrect API key provided")
      : reply.hang();

async function startPath(
  scenario: TurnScenario,
  options: TurnPathStartOptions = {},
): Promise<TurnPathRun> {
  const controller = new AbortController();
  const trip = scenario.tripsBreaker ? [reply.httpError(401, "tripping the breaker")] : [];
  const firstOfTurn = trip.length;
  const shuttingDown: { codex?: Codex } = {};
  const standIn = await startModelStandIn(
    [
      ...trip,
      ...scenario.attempts.map((a) => replyFor(a, options.finalMessage ?? "Done.")),
      ...(options.after ?? []),
    ],
    {
      ...(options.env ? { env: options.env } : {}),
      onRequest: (request) => {
        const attempt = scenario.attempts[request.index - firstOfTurn];
        if (attempt) setImmediate(() => act(attempt.ending));
      },
    },
  );
  const act = (ending: PlannedAttempt["ending"]) => {
    if (ending === "CRASH") standIn.killCodex();
    else if (ending === "ABORT") controller.abort(new Error("the path aborts the turn"));
    else if (ending === "SHUTDOWN") void shuttingDown.codex?.shutdown({ timeoutMs: 0 });
  };
  const codex = (shuttingDown.codex = new Codex({
    ...standIn.codexOptions,
    ...scenario.codexOptions,
    ...options.codex,
  }));
  const threadOptions = standIn.threadOptions;
  if (scenario.tripsBreaker)
    await codex
      .startThread(threadOptions)
      .run("a turn that fails, to trip the circuit breaker")
      .catch(() => undefined);
  return {
    codex,
    threadOptions,
    turnOptions: { ...scenario.turnOptions, signal: controller.signal },
    standIn,
    close: async () => {
      await codex.shutdown({ timeoutMs: 0 });
      await standIn.close();
    },
  };
}
