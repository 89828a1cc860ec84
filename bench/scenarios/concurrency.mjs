// Scenario 6: many turns at once over mock-codex, and the memory of idle threads.
import { fileURLToPath } from "node:url";
import { row, rssRow } from "../rows.mjs";
import { medians } from "./throughput.mjs";

const MOCK_CODEX = fileURLToPath(new URL("../../src/testing/mock-codex.mjs", import.meta.url));
const THREAD_BUDGET_KB = 50;

// Starts `concurrentTurns` turns together; codex-actors is given `maxConcurrentTurns`.
export async function concurrency(ctx) {
  const { concurrentTurns: turns, maxConcurrent, idleThreads } = ctx.options;
  const scenario = JSON.stringify([{ delayMs: 50 }, { turn: "ok" }]);
  const codexOptions = (consumer) => ({
    executablePath: MOCK_CODEX,
    env: { PATH: process.env.PATH, MOCK_CODEX_SCENARIO: scenario },
    ...(consumer === "actors" ? { maxConcurrentTurns: maxConcurrent } : {}),
  });
  const results = await ctx.alternate(
    (consumer) => ({ workload: "concurrent-turns", turns, codexOptions: codexOptions(consumer) }),
    { countChildren: true },
  );
  const live = medians(results, (r) => r.peakChildren);
  const threads = await ctx.alternate(
    (consumer) => ({
      workload: "idle-threads",
      threads: idleThreads,
      codexOptions: codexOptions(consumer),
    }),
    { nodeArgs: ["--expose-gc"] },
    ["official", "actors"],
  );
  const perThreadKb = medians(threads, (r) => r.bytesPerThread / 1024);
  return {
    title: `6. Concurrency and scale (${turns} turns over mock-codex, codex-actors with maxConcurrentTurns ${maxConcurrent}; ${idleThreads.toLocaleString("en")} idle threads)`,
    rows: [
      row(
        "total ms",
        medians(results, (r) => r.wallMs),
      ),
      row(
        "process CPU ms",
        medians(results, (r) => r.cpuMs),
      ),
      rssRow(
        "peak RSS MB",
        medians(results, (r) => r.maxRssMb),
      ),
      row("peak live processes", live, {
        text: `≤ ${maxConcurrent}`,
        met: live.actors <= maxConcurrent,
      }),
      row("KB per idle thread", perThreadKb, {
        text: `≤ ${THREAD_BUDGET_KB} KB`,
        met: perThreadKb.actors <= THREAD_BUDGET_KB,
      }),
    ],
  };
}
