/**
 * `codex-actors/testing`: test your own agent's turns offline on the real `codex` binary — a
 * local model stand-in, a scenario-driven fake CLI, the turn lifecycle's paths, and helpers.
 * Nothing of it loads unless imported.
 */
export { reply, type Reply, type CommandReplyOptions } from "./replies.js";
export {
  startModelStandIn,
  STAND_IN_API_KEY,
  STAND_IN_MODEL,
  type MatchedReply,
  type RunningStandIn,
  type StandInCodexOptions,
  type StandInOptions,
  type StandInRequest,
  type StandInScript,
  type StandInThreadOptions,
} from "./model-stand-in.js";
export { collectTurn, type CollectedTurn } from "./collect-turn.js";
export {
  codexProcessesLeft,
  expectNoCodexProcesses,
  type LiveProcess,
  type NoProcessesOptions,
} from "./processes.js";
export {
  mockCodex,
  mockScenario,
  MOCK_CODEX_SCRIPT,
  type MockCodexPhase,
  type MockCodexRun,
  type MockCodexScenario,
  type MockCodexStep,
  type RunningMockCodex,
} from "./mock-codex-rig.js";
export {
  turnLifecycle,
  turnLifecycleModel,
  turnSettled,
  PATH_MAX_RESTARTS,
  type TurnLifecycleContext,
  type TurnLifecycleEvent,
  type TurnOutcome,
} from "./turn-lifecycle.js";
export {
  turnPaths,
  turnPathCoverage,
  PATH_DEADLINE_MS,
  PATH_IDLE_TIMEOUT_MS,
  type ExpectedTurn,
  type PlannedAttempt,
  type TurnPath,
  type TurnPathRun,
  type TurnPathStartOptions,
  type TurnPathsOptions,
  type TurnScenario,
} from "./turn-paths.js";
export type { Coverage, LifecycleModel, LifecyclePath } from "./path-coverage.js";
