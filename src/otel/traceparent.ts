import { isSpanContextValid, type SpanContext } from "@opentelemetry/api";
import type { TraceCarrier } from "../telemetry/channels.js";

/**
 * The W3C trace context of `span` (`traceparent`, and `tracestate` when it has one), written by
 * hand so that no propagator has to be registered for codex to continue the trace; none for an
 * invalid context (a no-op tracer's).
 */
export function traceCarrierOf(span: SpanContext): TraceCarrier {
  if (!isSpanContextValid(span)) return {};
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, "0");
  const carrier: TraceCarrier = { traceparent: `00-${span.traceId}-${span.spanId}-${flags}` };
  const state = span.traceState?.serialize();
  if (state) carrier.tracestate = state;
  return carrier;
}
