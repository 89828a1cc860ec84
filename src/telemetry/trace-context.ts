import type { TraceCarrier } from "./channels.js";

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/**
 * The well-formed part of a W3C trace context a subscriber set: null without a valid
 * `traceparent`; `tracestate` kept only when it is printable ASCII of at most 512 characters.
 */
export function checkedTraceContext(trace: TraceCarrier | undefined): TraceCarrier | null {
  if (!trace?.traceparent || !TRACEPARENT.test(trace.traceparent)) return null;
  const checked: TraceCarrier = { traceparent: trace.traceparent };
  if (trace.tracestate && TRACESTATE.test(trace.tracestate)) checked.tracestate = trace.tracestate;
  return checked;
}
