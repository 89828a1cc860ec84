// Scenarios 1 and 2: events through the consumer as fast as the pipe carries them.
import { medianOf } from "../stats.mjs";
import { row, rssRow } from "../rows.mjs";

const eventsPerSecond = (result) => (result.events / result.wallMs) * 1000;
const eventsPerSecondWithImport = (result) =>
  (result.events / (result.importMs + result.wallMs)) * 1000;

// Scenario 1: a prepared file of realistic command events, streamed at pipe speed. Target: 1.25×
// the official SDK's rate, with and without the import, and 0.75× the plain-loop floor.
export async function pipeSpeed(ctx) {
  const env = { BENCH_BODY: ctx.fixtures.throughput, BENCH_REPEAT: "1" };
  const title = `1. Throughput at pipe speed (${ctx.options.events.toLocaleString("en")} events, ${ctx.fixtures.throughputMb} MB)`;
  return speedSection(ctx, title, env, 1.25);
}

// Scenario 2: `item.completed` events each carrying a big `aggregated_output`. The time is
// `JSON.parse` of 1 MB lines, the same for every reader: the target is to keep up with the
// official SDK (issue 14: "keep today's results") and stay within 0.75× the floor.
export async function bigItems(ctx) {
  const { bigItems: count, bigItemMb } = ctx.options;
  const env = { BENCH_BODY: ctx.fixtures.big, BENCH_REPEAT: String(count) };
  return speedSection(ctx, `2. Big items (${count} × ${bigItemMb} MB)`, env, 1);
}

// Runs the stream workload for every consumer and rates it against the targets: `times` the
// official SDK's rate and 0.75× the raw floor's.
async function speedSection(ctx, title, env, times) {
  const results = await ctx.alternate(() => ({ codexOptions: ctx.fakeCli("stream-file", env) }));
  const rate = medians(results, eventsPerSecond);
  const withImport = medians(results, eventsPerSecondWithImport);
  const ok = rate.actors >= times * rate.official && rate.actors >= 0.75 * rate.raw;
  return {
    title,
    rows: [
      row("events/s after the import", rate, {
        text: `≥ ${times}× official, ≥ 0.75× raw`,
        met: ok,
      }),
      row("events/s with the import", withImport, {
        text: `≥ ${times}× official`,
        met: withImport.actors >= times * withImport.official,
      }),
      row(
        "stream wall ms",
        medians(results, (r) => r.wallMs),
      ),
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

// The median of one figure for each consumer.
export function medians(results, read) {
  return Object.fromEntries(Object.entries(results).map(([c, runs]) => [c, medianOf(runs, read)]));
}
