// Runs the consumers' workloads in turn (A B C A B C …): warm-up rounds first, then measured ones.
import { runInChild } from "./child.mjs";

// Runs `makeSpec(consumer)` for each consumer, round after round; returns the measured results
// by consumer. `log` hears one line per run.
export async function alternate(consumers, makeSpec, { warmup, runs, childOptions, log }) {
  const results = Object.fromEntries(consumers.map((consumer) => [consumer, []]));
  for (let round = 0; round < warmup + runs; round++) {
    const measured = round >= warmup;
    for (const consumer of consumers) {
      const result = await runInChild(makeSpec(consumer), childOptions);
      if (measured) results[consumer].push(result);
      log?.(
        `  ${measured ? `run ${round - warmup + 1}` : "warm-up"} ${consumer}: ${brief(result)}`,
      );
    }
  }
  return results;
}

// A short summary of one result for the progress log.
function brief(result) {
  const { latenciesUs: _latencies, turnMs: _turns, ...figures } = result;
  return Object.entries(figures)
    .map(
      ([key, value]) => `${key}=${typeof value === "number" ? Math.round(value * 10) / 10 : value}`,
    )
    .join(" ");
}
