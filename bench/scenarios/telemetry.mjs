// Scenario 8: what observing costs — the pipe-speed stream of scenario 1 through codex-actors
// with no subscriber and with every channel subscribed plus OpenTelemetry recording spans.
import { TELEMETRY_CONSUMERS } from "../consumers/index.mjs";
import { row } from "../rows.mjs";
import { medians } from "./throughput.mjs";

const MIN_OBSERVED_RATIO = 0.9;

// Alternates the two; the rows put each in the codex-actors column, the ratio in the target.
export async function telemetry(ctx) {
  const env = { BENCH_BODY: ctx.fixtures.throughput, BENCH_REPEAT: "1" };
  const results = await ctx.alternate(
    () => ({ codexOptions: ctx.fakeCli("stream-file", env) }),
    {},
    TELEMETRY_CONSUMERS,
  );
  const rate = medians(results, (r) => (r.events / r.wallMs) * 1000);
  const cpu = medians(results, (r) => r.cpuMs);
  const ratio = rate["actors-observed"] / rate.actors;
  return {
    title: `8. Telemetry cost (scenario 1's stream; codex-actors column only)`,
    rows: [
      row("events/s, no subscriber", { actors: rate.actors }),
      row(
        "events/s, every channel subscribed + OTel",
        { actors: rate["actors-observed"] },
        {
          text: `≥ ${MIN_OBSERVED_RATIO}× no subscriber (${ratio.toFixed(2)}×)`,
          met: ratio >= MIN_OBSERVED_RATIO,
        },
      ),
      row("process CPU ms, no subscriber", { actors: cpu.actors }),
      row("process CPU ms, every channel subscribed + OTel", { actors: cpu["actors-observed"] }),
    ],
    notes: [
      `Telemetry: with every diagnostics channel subscribed (one message per stream event) and the OpenTelemetry instrumentation recording spans and metrics, codex-actors streams at ${ratio.toFixed(2)}× its unobserved rate. Without subscribers the channels cost a property read per delivered batch: scenario 1's codex-actors figures are the library as unobserved users run it.`,
    ],
  };
}
