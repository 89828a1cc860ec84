import diagnostics from "node:diagnostics_channel";
import type {
  AppServerEvent,
  ApprovalRequestedEvent,
  ApprovalResolvedEvent,
} from "../types/app-server.js";
import type { ThreadEvent, Usage } from "../types/events.js";

/*
 * The `node:diagnostics_channel` channels every Codex publishes on, always on: a message is built
 * only when the channel has a subscriber, so without one they cost a property read.
 * Stability: the names and the fields below are public API (semver); fields may be added.
 */

/** The names of the channels, for `diagnostics_channel.subscribe` / `tracingChannel`. */
export const CHANNEL_NAMES = {
  /** A `TracingChannel` around each turn: `tracing:codex-actors:turn:start|end|asyncStart|asyncEnd|error`. */
  turn: "codex-actors:turn",
  attemptStart: "codex-actors:attempt:start",
  attemptEnd: "codex-actors:attempt:end",
  turnRestart: "codex-actors:turn:restart",
  turnSteer: "codex-actors:turn:steer",
  event: "codex-actors:event",
  approvalRequested: "codex-actors:approval:requested",
  approvalResolved: "codex-actors:approval:resolved",
} as const;

/** What every message says of where it comes from. */
export type ChannelSource = {
  /** The thread actor's id under its root (`thread-N`), stable for the thread's life. */
  threadKey: string;
  /** The codex thread id, once the stream has reported it. */
  threadId: string | null;
  /** The turn's id, unique in this process (a turn keeps it over its attempts). */
  turnId: number;
  /** Which transport runs the turn. */
  transport: "exec" | "app-server";
};

/** How a turn, or an attempt, ended. */
export type ChannelOutcome = "completed" | "failed" | "aborted";

/** An error as channels carry it: its kind and message (never its cause, which may hold input). */
export type ChannelError = { kind: string; message: string };

/**
 * The context object of the `codex-actors:turn` tracing channel: published on `start` when the
 * turn is handed to its thread (`end` right after), `asyncStart`/`asyncEnd` when it settles, and
 * `error` (with `error` set, the `CodexError`) when it fails. The end fields are set by then.
 */
export type TurnMessage = ChannelSource & {
  /** The model and sandbox the thread asked for, if it named them. */
  model?: string;
  sandbox?: string;
  /** Attempts made so far (final on `asyncEnd`). */
  attempt: number;
  /** Set when the turn settles. */
  outcome?: ChannelOutcome;
  /** The last attempt's token usage, once `turn.completed` reported it. */
  usage?: Usage;
  /** Set by `TracingChannel` on failure: the `CodexError` the turn rejects with. */
  error?: unknown;
};

/** W3C trace context for a codex child, as a subscriber of `attempt:start` sets it. */
export type TraceCarrier = { traceparent?: string; tracestate?: string };

/**
 * Published when an attempt starts (before its process is spawned or its turn is sent).
 * `traceCarrier` is a slot for subscribers: W3C `traceparent`/`tracestate` put there reach the
 * codex child (`TRACEPARENT`/`TRACESTATE` in its environment; the request's trace on the app-server).
 */
export type AttemptStartMessage = ChannelSource & {
  attempt: number;
  traceCarrier: TraceCarrier;
};

/** Published when an attempt has ended and its processes are gone. */
export type AttemptEndMessage = ChannelSource & {
  attempt: number;
  outcome: ChannelOutcome;
  /** The codex process of the attempt (the app-server's, on that transport), if it started. */
  pid: number | null;
  error?: ChannelError;
  /** The first side effect the attempt started (`command_execution`…), or null. */
  sideEffect: string | null;
  /** Tokens (input + output) the attempt spent, as codex's usage reports said (0 without one). */
  tokens: number;
};

/** Published when a failed attempt is restarted: which attempt comes next, after how long. */
export type TurnRestartMessage = ChannelSource & {
  attempt: number;
  delayMs: number;
  error: ChannelError;
};

/** Published when a steer reached a running turn (app-server): its length, never its text. */
export type TurnSteerMessage = ChannelSource & {
  attempt: number;
  characters: number;
};

/** Published for each event of a turn's stream, as it is delivered to the consumer. */
export type EventMessage = ChannelSource & {
  attempt: number;
  event: ThreadEvent | AppServerEvent;
};

/** Published when an approval is asked for (app-server), and when it is settled. */
export type ApprovalMessage<E = ApprovalRequestedEvent | ApprovalResolvedEvent> = ChannelSource & {
  attempt: number;
  event: E;
};

/** The channels, as objects. */
export const channels = {
  turn: diagnostics.tracingChannel<TurnMessage>(CHANNEL_NAMES.turn),
  attemptStart: diagnostics.channel(CHANNEL_NAMES.attemptStart),
  attemptEnd: diagnostics.channel(CHANNEL_NAMES.attemptEnd),
  turnRestart: diagnostics.channel(CHANNEL_NAMES.turnRestart),
  turnSteer: diagnostics.channel(CHANNEL_NAMES.turnSteer),
  event: diagnostics.channel(CHANNEL_NAMES.event),
  approvalRequested: diagnostics.channel(CHANNEL_NAMES.approvalRequested),
  approvalResolved: diagnostics.channel(CHANNEL_NAMES.approvalResolved),
};
