// Scenario 5: sequential turns of the real binary against the local model stand-in.
import { median } from "../stats.mjs";
import { row, rssRow } from "../rows.mjs";
import { startStandIn } from "../stand-in.mjs";
import { medians } from "./throughput.mjs";

// Runs `realTurns` turns per run; the figure is the median turn time, then its median over runs.
export async function realTurns(ctx) {
  const turns = ctx.options.realTurns;
  const { standIn, config } = await startStandIn({ withCommand: true });
  let results;
  try {
    results = await ctx.alternate(() => ({ workload: "real-turns", turns, config }));
  } finally {
    await standIn.close();
  }
  const turnMs = medians(results, (r) => median(r.turnMs));
  return {
    title: `5. Real turns (${turns} sequential turns, each a command then an answer; real codex binary, local model stand-in)`,
    rows: [
      row("median turn ms", turnMs, {
        text: "≤ 1.05× official",
        met: turnMs.actors <= 1.05 * turnMs.official,
      }),
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
