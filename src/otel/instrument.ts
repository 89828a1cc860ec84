import diagnostics from "node:diagnostics_channel";
import {
  context,
  metrics,
  SpanStatusCode,
  trace,
  type Attributes,
  type MeterProvider,
  type Span,
  type TracerProvider,
} from "@opentelemetry/api";
import {
  channels,
  type ApprovalMessage,
  type AttemptEndMessage,
  type AttemptStartMessage,
  type TurnMessage,
  type TurnRestartMessage,
} from "../telemetry/channels.js";
import { warnOnce } from "../telemetry/warn-once.js";
import { traceCarrierOf } from "./traceparent.js";
import { TurnMetrics } from "./turn-metrics.js";

/** Where spans and metrics go: the global providers unless given. */
export type InstrumentOptions = {
  tracerProvider?: TracerProvider;
  meterProvider?: MeterProvider;
};

/** The instrumentation, while it runs. */
export type Instrumentation = {
  /** Stops listening: no span or metric is made after this. */
  disable: () => void;
};

type OpenTurn = { span: Span; attempt?: Span; startedAt: number };

const SCOPE = "codex-actors";

/**
 * Makes OpenTelemetry spans and metrics of every turn, from the `codex-actors:*` diagnostics
 * channels: a `codex.turn` span (child of the context active where the turn was started) with a
 * `codex.attempt` child per attempt, whose trace context reaches the codex child (its own
 * `[otel]` spans then nest under the attempt); span events for restarts and approvals; the
 * counters and histogram of `TurnMetrics`.
 */
export function instrumentCodexActors(options: InstrumentOptions = {}): Instrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const turnMetrics = new TurnMetrics(meter);
  const open = new Map<number, OpenTurn>();

  const onTurnStart = (message: TurnMessage) => {
    const span = tracer.startSpan("codex.turn", { attributes: turnAttributes(message) });
    open.set(message.turnId, { span, startedAt: performance.now() });
  };
  const onTurnError = (message: TurnMessage) => {
    const turn = open.get(message.turnId);
    const error = message.error as { kind?: string; message?: string } | undefined;
    if (!turn || message.outcome === "aborted") return;
    turn.span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
    turn.span.setAttribute("codex.error.kind", error?.kind ?? "unknown");
  };
  const onTurnEnd = (message: TurnMessage) => {
    const turn = open.get(message.turnId);
    if (!turn) return;
    open.delete(message.turnId);
    turn.span.setAttributes({ ...turnAttributes(message), ...usageAttributes(message) });
    turn.span.end();
    const error = message.error as { kind?: string } | undefined;
    turnMetrics.turnEnded(message, (performance.now() - turn.startedAt) / 1000, error?.kind);
  };
  const onAttemptStart = (raw: unknown) => {
    const message = raw as AttemptStartMessage;
    const turn = open.get(message.turnId);
    if (!turn) return;
    const parent = trace.setSpan(context.active(), turn.span);
    turn.attempt = tracer.startSpan(
      "codex.attempt",
      { attributes: { ...sourceAttributes(message), "codex.attempt": message.attempt } },
      parent,
    );
    Object.assign(message.traceCarrier, traceCarrierOf(turn.attempt.spanContext()));
  };
  const onAttemptEnd = (raw: unknown) => {
    const message = raw as AttemptEndMessage;
    const attempt = open.get(message.turnId)?.attempt;
    if (!attempt) return;
    attempt.setAttributes({
      "codex.outcome": message.outcome,
      ...(message.threadId ? { "codex.thread.id": message.threadId } : {}),
      ...(message.pid === null ? {} : { "process.pid": message.pid }),
      ...(message.error ? { "codex.error.kind": message.error.kind } : {}),
    });
    if (message.outcome === "failed")
      attempt.setStatus({ code: SpanStatusCode.ERROR, message: message.error?.message });
    attempt.end();
  };
  const onRestart = (raw: unknown) => {
    const message = raw as TurnRestartMessage;
    open.get(message.turnId)?.span.addEvent("codex.turn.restart", {
      "codex.attempt": message.attempt,
      "codex.restart.delay_ms": message.delayMs,
      "codex.error.kind": message.error.kind,
    });
    turnMetrics.restarted(message.error);
  };
  const onApproval = (raw: unknown) => {
    const { turnId, event } = raw as ApprovalMessage;
    const attributes: Attributes = { "codex.approval.kind": event.kind };
    if (event.type === "approval.resolved")
      attributes["codex.approval.decision"] = event.decision ?? "withdrawn";
    open.get(turnId)?.attempt?.addEvent(`codex.${event.type}`, attributes);
  };

  // Node reports a subscriber's throw as an uncaught exception: a failing exporter must not.
  const guard = warnOnce("CODEX_ACTORS_OTEL", "codex-actors/otel could not record a turn");
  const tracing = {
    start: guard(onTurnStart),
    error: guard(onTurnError),
    asyncEnd: guard(onTurnEnd),
  };
  const plain: Array<[diagnostics.Channel, (message: unknown) => void]> = [
    [channels.attemptStart, guard(onAttemptStart)],
    [channels.attemptEnd, guard(onAttemptEnd)],
    [channels.turnRestart, guard(onRestart)],
    [channels.approvalRequested, guard(onApproval)],
    [channels.approvalResolved, guard(onApproval)],
  ];
  channels.turn.subscribe(tracing as Parameters<typeof channels.turn.subscribe>[0]);
  for (const [channel, handler] of plain) channel.subscribe(handler);
  return {
    disable: () => {
      channels.turn.unsubscribe(tracing as Parameters<typeof channels.turn.unsubscribe>[0]);
      for (const [channel, handler] of plain) channel.unsubscribe(handler);
    },
  };
}

function sourceAttributes(message: AttemptStartMessage | TurnMessage): Attributes {
  return {
    "codex.thread.key": message.threadKey,
    "codex.turn.id": message.turnId,
    "codex.transport": message.transport,
    ...(message.threadId ? { "codex.thread.id": message.threadId } : {}),
  };
}

function turnAttributes(message: TurnMessage): Attributes {
  return {
    ...sourceAttributes(message),
    ...(message.model
      ? { "codex.model": message.model, "gen_ai.request.model": message.model }
      : {}),
    ...(message.sandbox ? { "codex.sandbox": message.sandbox } : {}),
    ...(message.outcome
      ? { "codex.outcome": message.outcome, "codex.attempts": message.attempt }
      : {}),
  };
}

function usageAttributes(message: TurnMessage): Attributes {
  const usage = message.usage;
  if (!usage) return {};
  return {
    "gen_ai.usage.input_tokens": usage.input_tokens,
    "gen_ai.usage.output_tokens": usage.output_tokens,
    "codex.usage.cached_input_tokens": usage.cached_input_tokens,
    "codex.usage.reasoning_output_tokens": usage.reasoning_output_tokens,
  };
}
