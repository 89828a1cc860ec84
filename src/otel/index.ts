/** `codex-actors/otel`: OpenTelemetry spans and metrics of every turn (needs `@opentelemetry/api`). */
export {
  instrumentCodexActors,
  type InstrumentOptions,
  type Instrumentation,
} from "./instrument.js";
