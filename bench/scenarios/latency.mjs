// Scenario 4: delivery latency of events the fake CLI stamps as it writes them, at a steady rate.
import { percentile } from "../stats.mjs";
import { row, rssRow } from "../rows.mjs";
import { medians } from "./throughput.mjs";

// Streams stamped events at `rate`/s; p50 and p99 per run, medians over runs.
export async function latency(ctx) {
  const { latencyEvents: count, rate } = ctx.options;
  const env = { BENCH_COUNT: String(count), BENCH_RATE: String(rate) };
  const results = await ctx.alternate(() => ({ codexOptions: ctx.fakeCli("stamped", env) }));
  const p50 = medians(results, (r) => percentile(r.latenciesUs, 50) / 1000);
  const p99 = medians(results, (r) => percentile(r.latenciesUs, 99) / 1000);
  return {
    title: `4. Latency (${count.toLocaleString("en")} events at ${rate.toLocaleString("en")}/s)`,
    rows: [
      row("p50 ms", p50),
      row("p99 ms", p99, { text: "≤ raw + 1 ms", met: p99.actors <= p99.raw + 1 }),
      row(
        "process wall ms",
        medians(results, (r) => r.processMs),
      ),
      row(
        "process CPU ms",
        medians(results, (r) => r.cpuMs),
      ),
      rssRow(
        "peak RSS MB",
        medians(results, (r) => r.maxRssMb),
      ),
    ],
  };
}
