/**
 * The Redis keys `codex-actors/bullmq` keeps beside BullMQ's, under the same prefix and queue
 * name: one event stream and one record per turn, one stored session per thread.
 */
export type QueueKeys = {
  /** The stream of a turn's events (`XADD`), ended by an end entry. */
  events: (turnId: string) => string;
  /** The hash recording who runs a turn and how far it got (see `TurnRecord`). */
  record: (turnId: string) => string;
  /** The list of the side effects a turn's attempts started. */
  effects: (turnId: string) => string;
  /** The channel producers publish a cancelled turn's id on (its workers stop its codex). */
  cancel: string;
  /** The list of a thread's unfinished turns, in call order (see `ThreadOrder`). */
  threadTurns: (threadId: string) => string;
  /** The hash holding a thread's codex session: `path`, `data`, `generation`. */
  session: (threadId: string) => string;
  /** Set while a turn is on its thread's list but its job is being added (see `enlistTurn`). */
  enlisting: (turnId: string) => string;
  /** The list of steers and interrupts asked of a turn, taken by the worker that runs it. */
  control: (turnId: string) => string;
  /** The list the worker answers one control request on (see `askRunningTurn`). */
  controlReply: (requestId: string) => string;
  /** The channel producers publish a turn's id on when they add a control request for it. */
  controlChannel: string;
};

/** The keys of the queue `name` under `prefix` (BullMQ's default `bull`). */
export function queueKeys(name: string, prefix = "bull"): QueueKeys {
  const base = `${prefix}:${name}:codex-actors`;
  return {
    events: (turnId) => `${base}:turn:${turnId}:events`,
    cancel: `${base}:cancel`,
    record: (turnId) => `${base}:turn:${turnId}:record`,
    effects: (turnId) => `${base}:turn:${turnId}:effects`,
    threadTurns: (threadId) => `${base}:thread:${threadId}:turns`,
    session: (threadId) => `${base}:thread:${threadId}:session`,
    enlisting: (turnId) => `${base}:turn:${turnId}:enlisting`,
    control: (turnId) => `${base}:turn:${turnId}:control`,
    controlReply: (requestId) => `${base}:control:${requestId}:reply`,
    controlChannel: `${base}:control`,
  };
}
