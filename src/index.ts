/** codex-actors: the official Codex SDK's API, with every turn an xstate actor under supervision. */
export { Codex } from "./codex.js";
export { Thread } from "./thread.js";
export { tool, DEFAULT_TOOL_TIMEOUT_MS, type ToolDefinition } from "./tools/define-tool.js";
export type { CodexActorRef } from "./machines/codex.machine.js";
export type { ThreadActorRef } from "./machines/thread.machine.js";
export type { ThreadMachineEvent } from "./machines/thread-events.js";
export type {
  CodexTreeSnapshot,
  ServiceTreeSnapshot,
  ThreadStatus,
  ThreadTreeSnapshot,
  ToolsTreeSnapshot,
} from "./machines/snapshot-tree.js";
export type { LastOutcome } from "./machines/thread-turn.js";
export type { RecentFailure } from "./machines/codex.machine.js";
export type { DevtoolsOptions, DevtoolsServer } from "./devtools/types.js";
export * from "./types/index.js";
export {
  CHANNEL_NAMES,
  type AttemptEndMessage,
  type AttemptStartMessage,
  type ApprovalMessage,
  type ChannelError,
  type ChannelOutcome,
  type ChannelSource,
  type EventMessage,
  type TraceCarrier,
  type TurnMessage,
  type TurnRestartMessage,
  type TurnSteerMessage,
} from "./telemetry/channels.js";
