// The load of scenario 9: `turns` short turns, each on a thread of its own, run by `clients`
// closed-loop clients (each starts its next turn when its last one resolved).
import { performance } from "node:perf_hooks";

// Runs the turns on `codex` (in-process or distributed); resolves with the wall time and each
// turn's latency (its `run()` call to its resolution), in ms.
export async function runLoad(codex, turns, clients) {
  const latencies = [];
  let next = 0;
  const client = async () => {
    while (next < turns) {
      const index = next++;
      const started = performance.now();
      await codex.startThread({ skipGitRepoCheck: true }).run(`turn ${index}`);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  return { wallMs: performance.now() - started, latencies };
}

// The `q` quantile (0–1) of `values`, nearest rank.
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
