// A codex-actors/bullmq worker process for scenario 9: `startWorker` from dist/bullmq.js, its
// codex the mock CLI. Settings in BENCH_WORKER (JSON): port, name, codexPath, home, and the mock's scenario. Prints
// `ready`; SIGTERM closes it; it exits when the benchmark (which holds its stdin) is gone.
import { startWorker } from "../../dist/bullmq.js";

const settings = JSON.parse(process.env.BENCH_WORKER ?? "{}");
const worker = await startWorker({
  connection: { host: "127.0.0.1", port: settings.port },
  name: settings.name,
  concurrency: 1,
  codex: {
    codexPathOverride: settings.codexPath,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: settings.home,
      CODEX_HOME: settings.home,
      ...(settings.scenario ? { MOCK_CODEX_SCENARIO: settings.scenario } : {}),
    },
  },
});
process.once("SIGTERM", () => worker.close().then(() => process.exit(0)));
process.stdin.on("end", () => process.exit(1)).resume();
console.log("ready");
