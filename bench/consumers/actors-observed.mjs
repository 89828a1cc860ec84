// codex-actors with telemetry on: a no-op subscriber on every diagnostics channel and the
// OpenTelemetry instrumentation recording spans and metrics into SDK providers (not exported),
// to set the cost of observing beside the same library observed by no one.
import diagnostics from "node:diagnostics_channel";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { CHANNEL_NAMES, Codex } from "../../dist/index.js";
import { instrumentCodexActors } from "../../dist/otel.js";

const ignore = () => undefined;
for (const [key, name] of Object.entries(CHANNEL_NAMES)) {
  if (key === "turn")
    diagnostics.tracingChannel(name).subscribe({
      start: ignore,
      end: ignore,
      asyncStart: ignore,
      asyncEnd: ignore,
      error: ignore,
    });
  else diagnostics.subscribe(name, ignore);
}
instrumentCodexActors({
  tracerProvider: new BasicTracerProvider(),
  meterProvider: new MeterProvider(),
});

/** The observed library's `Codex`. */
export const ObservedCodex = Codex;
