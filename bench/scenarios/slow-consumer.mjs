// Scenario 3: a consumer that pauses 1 ms every 1,000 events; peak RSS must stay bounded.
import { row } from "../rows.mjs";
import { medians } from "./throughput.mjs";

const SLACK_MB = 8;

// Streams each size in `slowMb` and compares peak RSS, and its growth from smallest to largest.
export async function slowConsumer(ctx) {
  const sizes = ctx.options.slowMb;
  const rows = [];
  const peaks = [];
  for (const mb of sizes) {
    ctx.log(` size ${mb} MB`);
    const repeat = Math.max(1, Math.round((mb * 1024 * 1024) / ctx.fixtures.blockBytes));
    const env = { BENCH_BODY: ctx.fixtures.block, BENCH_REPEAT: String(repeat) };
    const results = await ctx.alternate(() => ({
      codexOptions: ctx.fakeCli("stream-file", env),
      pauseEvery: 1000,
    }));
    const peak = medians(results, (r) => r.maxRssMb);
    peaks.push(peak);
    const met = peak.actors <= peak.official + SLACK_MB;
    rows.push(row(`peak RSS MB @ ${mb} MB`, peak, { text: `≤ official + ${SLACK_MB} MB`, met }));
    rows.push(
      row(
        `wall ms @ ${mb} MB`,
        medians(results, (r) => r.wallMs),
      ),
      row(
        `process CPU ms @ ${mb} MB`,
        medians(results, (r) => r.cpuMs),
      ),
    );
  }
  if (peaks.length > 1) {
    const growth = Object.fromEntries(
      Object.keys(peaks[0]).map((c) => [c, peaks.at(-1)[c] - peaks[0][c]]),
    );
    const label = `RSS growth MB ${sizes[0]} → ${sizes.at(-1)} MB`;
    rows.push(
      row(label, growth, { text: `flat: ≤ ${SLACK_MB} MB`, met: growth.actors <= SLACK_MB }),
    );
  }
  return { title: "3. Slow consumer memory (1 ms pause every 1,000 events)", rows };
}
