/**
 * `codex-actors/machines`: the machine definitions under `Codex` and `Thread`, for inspection
 * tooling and model-based tests on them (`xstate/graph`). Advanced: these follow the library's
 * internals, and a minor version may change them.
 */
export {
  createCodexMachine,
  type CodexActorRef,
  type CodexContext,
  type CodexMachineEvent,
  type CodexRootInput,
  type RecentFailure,
} from "../machines/codex.machine.js";
export { createThreadMachine, type ThreadActorRef } from "../machines/thread.machine.js";
export type { ThreadMachineEvent } from "../machines/thread-events.js";
export type { LastOutcome, ThreadContext } from "../machines/thread-turn.js";
export { codexMachine, threadMachine } from "../root-machines.js";
export { execTransport } from "../transports/exec/exec-transport.js";
export type {
  AttemptAbortEvent,
  AttemptUsageEvent,
  AttemptSteeredEvent,
  AttemptOutcome,
  AttemptView,
  ThreadAdmin,
  Transport,
  TransportCapabilities,
  TransportOpening,
  TransportSession,
} from "../transports/transport.js";
export {
  execMachine,
  type ExecOutcome,
  type ExecContext,
} from "../transports/exec/exec.machine.js";
export { JsonlParser, type ParsedChunk } from "../transports/exec/jsonl-parser.js";
export { DEFAULT_POLICY, type ResolvedPolicy } from "../supervision/policy.js";
// What the machines' contexts, inputs and events are made of (the main entry's actor refs too).
export type { ThreadSettings, TurnJob } from "../supervision/turn-job.js";
export type { Clock } from "../supervision/clock.js";
export type { DeadlineReached } from "../actors/deadline.actor.js";
export { ChildEnvSource } from "../process/child-env.js"; // an exec attempt's environment
export type { CodexBinary } from "../process/codex-binary.js";
export {
  toolServerMachine,
  type ToolServerContext,
  type ToolServerEvent,
} from "../machines/tool-server.machine.js";
export { CodexTools } from "../tools/codex-tools.js"; // the tool server actor's input
export { ToolRoute } from "../tools/tool-route.js";
