/** codex-actors: the official Codex SDK's API, with every turn an xstate actor under supervision. */
export { Codex } from "./codex.js";
export { Thread } from "./thread.js";
export {
  createCodexMachine,
  type CodexActorRef,
  type CodexContext,
} from "./machines/codex.machine.js";
export { createThreadMachine, type ThreadActorRef } from "./machines/thread.machine.js";
export type { ThreadMachineEvent } from "./machines/thread-events.js";
export { codexMachine, threadMachine } from "./root-machines.js";
export { execTransport } from "./transports/exec/exec-transport.js";
export type {
  AttemptAbortEvent,
  AttemptOutcome,
  AttemptView,
  Transport,
} from "./transports/transport.js";
export type { ThreadContext } from "./machines/thread-turn.js";
export { execMachine, type ExecOutcome, type ExecContext } from "./transports/exec/exec.machine.js";
export { JsonlParser, type ParsedChunk } from "./transports/exec/jsonl-parser.js";
export { DEFAULT_POLICY, type ResolvedPolicy } from "./supervision/policy.js";
export type { CodexTreeSnapshot, ThreadTreeSnapshot } from "./machines/snapshot-tree.js";
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
} from "./telemetry/channels.js";
