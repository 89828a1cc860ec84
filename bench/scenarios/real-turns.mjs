// Scenario 5: sequential turns of the real binary against the local model stand-in.
import { median } from "../stats.mjs";
import { row } from "../rows.mjs";
import { medians } from "./throughput.mjs";

// Runs `realTurns` turns per run; the figure is the median turn time, then its median over runs.
export async function realTurns(ctx) {
  const turns = ctx.options.realTurns;
  const results = await ctx.alternate(() => ({ workload: "real-turns", turns }));
  const turnMs = medians(results, (r) => median(r.turnMs));
  return {
    title: `5. Real turns (${turns} sequential turns, real codex binary, local model stand-in)`,
    rows: [
      row("median turn ms", turnMs, {
        text: "≤ 1.05× official",
        met: turnMs.actors <= 1.05 * turnMs.official,
      }),
      row(
        "consumer CPU ms",
        medians(results, (r) => r.cpuMs),
      ),
    ],
  };
}
