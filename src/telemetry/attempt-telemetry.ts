import type { AttemptOutcome } from "../transports/transport.js";
import type { CodexError } from "../types/errors.js";
import { channels, type ChannelError, type ChannelSource, type TraceCarrier } from "./channels.js";

/** Where an attempt's messages come from, and which attempt of its turn it is. */
export type AttemptSource = ChannelSource & { attempt: number };

/** Publishes `codex-actors:attempt:start`; subscribers may fill `traceCarrier` for the child. */
export function publishAttemptStart(source: AttemptSource, traceCarrier: TraceCarrier): void {
  if (channels.attemptStart.hasSubscribers)
    channels.attemptStart.publish({ ...source, traceCarrier });
}

/** Publishes `codex-actors:attempt:end` with how the attempt ended. */
export function publishAttemptEnd(
  source: AttemptSource,
  outcome: AttemptOutcome,
  tokens: number,
): void {
  if (!channels.attemptEnd.hasSubscribers) return;
  channels.attemptEnd.publish({
    ...source,
    threadId: outcome.threadId ?? source.threadId,
    outcome: outcome.status,
    pid: outcome.pid,
    sideEffect: outcome.sideEffect,
    tokens,
    ...(outcome.error ? { error: channelError(outcome.error) } : {}),
  });
}

/** Publishes `codex-actors:turn:steer`: a steer of `characters` reached the attempt's turn. */
export function publishTurnSteer(source: AttemptSource, characters: number): void {
  if (channels.turnSteer.hasSubscribers) channels.turnSteer.publish({ ...source, characters });
}

/** Publishes `codex-actors:turn:restart`: `source.attempt` is the attempt that comes next. */
export function publishTurnRestart(
  source: AttemptSource,
  delayMs: number,
  error: CodexError,
): void {
  if (channels.turnRestart.hasSubscribers)
    channels.turnRestart.publish({ ...source, delayMs, error: channelError(error) });
}

function channelError(error: CodexError): ChannelError {
  return { kind: error.kind, message: error.message };
}
