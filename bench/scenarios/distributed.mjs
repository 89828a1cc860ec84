// Scenario 9: short turns through codex-actors/bullmq — a producer in this process, 1, 2 and 4
// worker processes, a redis-server of the scenario's own — against the in-process `Codex` with
// as many turns at once, alternating, in the same run; the mock CLI as codex.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { Codex as DistributedCodex } from "../../dist/bullmq.js";
import { Codex } from "../../dist/index.js";
import { runLoad, quantile } from "../distributed/load.mjs";
import { cpuMsOf, startRedis, startWorkerProcess } from "../distributed/processes.mjs";

const MOCK_CODEX = fileURLToPath(new URL("../../src/testing/mock-codex.mjs", import.meta.url));
const WARMUP_TURNS = 10;
const ADDED_P50_TARGET_MS = 10;
const SCALING_TARGET = 3;
const BYTES_PER_TURN_TARGET = 8 * 1024;
// A model-bound turn: the mock waits this long for "the model" before it answers.
const MODEL_MS = 1_000;
const MODEL_BOUND = JSON.stringify([{ delayMs: MODEL_MS }, { turn: "ok" }]);

// Measures each worker count against the in-process Codex with that many turns at once.
export async function distributed(ctx) {
  const { distTurns: turns, distWorkers: counts } = ctx.options;
  const dir = path.join(ctx.dir, "distributed");
  mkdirSync(dir, { recursive: true });
  const redis = await startRedis(dir);
  const client = new Redis({ port: redis.port, host: "127.0.0.1" });
  try {
    const results = [];
    for (const workers of counts) {
      ctx.log(`  ${turns} turns, ${workers} at once: in-process`);
      const local = await inProcess(dir, turns, workers);
      ctx.log(`  ${turns} turns through ${workers} worker process(es)`);
      const remote = await throughWorkers(dir, redis, client, turns, workers);
      results.push({ workers, local, remote });
    }
    const bound = [];
    for (const workers of ctx.options.modelBoundTurns > 0 ? counts : []) {
      ctx.log(`  ${ctx.options.modelBoundTurns} model-bound turns through ${workers} worker(s)`);
      const turnsOf = ctx.options.modelBoundTurns;
      bound.push({
        workers,
        remote: await throughWorkers(dir, redis, client, turnsOf, workers, MODEL_BOUND),
      });
    }
    return section(turns, results, bound);
  } finally {
    client.disconnect();
    await redis.stop();
  }
}

const codexEnv = (home) => ({ PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: home });

async function inProcess(dir, turns, clients) {
  const codex = new Codex({
    codexPathOverride: MOCK_CODEX,
    env: codexEnv(dir),
    maxConcurrentTurns: clients,
  });
  try {
    return await measured(() => runLoad(codex, turns, clients), [process.pid], codex);
  } finally {
    await codex.shutdown();
  }
}

async function throughWorkers(dir, redis, client, turns, count, scenario) {
  const name = `bench-${count}${scenario ? "-model-bound" : ""}`;
  const started = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const home = path.join(dir, `${name}-worker-${i}`);
      mkdirSync(home);
      return startWorkerProcess({ port: redis.port, name, codexPath: MOCK_CODEX, home, scenario });
    }),
  );
  const codex = new DistributedCodex({
    queue: { connection: { host: "127.0.0.1", port: redis.port }, name },
  });
  try {
    const pids = [process.pid, redis.child.pid, ...started.map((w) => w.child.pid)];
    const before = await usedMemory(client, codex, count);
    const result = await measured(() => runLoad(codex, turns, count), pids);
    const after = await usedMemory(client);
    return { ...result, bytesPerTurn: (after - before) / turns };
  } finally {
    await codex.shutdown();
    await Promise.all(started.map((worker) => worker.stop()));
  }
}

// Warms up (a few turns), then runs `load`, timing its CPU over `pids`.
async function measured(load, pids, codex) {
  if (codex) await runLoad(codex, WARMUP_TURNS, 1);
  const cpuBefore = pids.map(cpuMsOf);
  const { wallMs, latencies } = await load();
  const cpuMs = pids.map(cpuMsOf).reduce((sum, ms, i) => sum + ms - cpuBefore[i], 0);
  return { wallMs, cpuMs, latencies, turnsPerS: (latencies.length / wallMs) * 1000 };
}

// Redis's used_memory, after warming the distributed run up first when `codex` is given.
async function usedMemory(client, codex, clients) {
  if (codex) await runLoad(codex, WARMUP_TURNS, clients);
  const info = await client.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

// The scenario's own table: one column per worker count; then the model-bound turns' scaling.
function section(turns, results, bound) {
  const cells = (f) => results.map((r) => f(r));
  const ms = (v) => v.toFixed(1);
  const added = (q) =>
    cells((r) => quantile(r.remote.latencies, q) - quantile(r.local.latencies, q));
  const addedP50 = added(0.5);
  const one = results.find((r) => r.workers === 1);
  const four = results.find((r) => r.workers === 4);
  const scaling = one && four ? four.remote.turnsPerS / one.remote.turnsPerS : undefined;
  const kb = cells((r) => r.remote.bytesPerTurn);
  const rows = [
    ["in-process turns/s", cells((r) => r.local.turnsPerS.toFixed(1))],
    ["distributed turns/s", cells((r) => r.remote.turnsPerS.toFixed(1))],
    ["÷ in-process", cells((r) => `${(r.remote.turnsPerS / r.local.turnsPerS).toFixed(2)}×`)],
    [
      "in-process p50 / p99 ms",
      cells(
        (r) => `${ms(quantile(r.local.latencies, 0.5))} / ${ms(quantile(r.local.latencies, 0.99))}`,
      ),
    ],
    [
      "distributed p50 / p99 ms",
      cells(
        (r) =>
          `${ms(quantile(r.remote.latencies, 0.5))} / ${ms(quantile(r.remote.latencies, 0.99))}`,
      ),
    ],
    [
      "added latency p50 ms",
      addedP50.map(ms),
      `≤ ${ADDED_P50_TARGET_MS} ms`,
      addedP50.every((v) => v <= ADDED_P50_TARGET_MS),
    ],
    ["added latency p99 ms", added(0.99).map(ms)],
    [
      "wall ms (in-process / distributed)",
      cells((r) => `${Math.round(r.local.wallMs)} / ${Math.round(r.remote.wallMs)}`),
    ],
    [
      "CPU ms (in-process / distributed)",
      cells((r) => `${Math.round(r.local.cpuMs)} / ${Math.round(r.remote.cpuMs)}`),
    ],
    [
      "Redis bytes per finished turn",
      kb.map((v) => Math.round(v).toLocaleString("en")),
      `≤ ${BYTES_PER_TURN_TARGET / 1024} KB`,
      kb.every((v) => v <= BYTES_PER_TURN_TARGET),
    ],
  ];
  if (scaling !== undefined)
    rows.push([
      "4 workers ÷ 1 worker, turns/s",
      results.map((r) => (r === four ? `${scaling.toFixed(2)}×` : "")),
      `≥ ${SCALING_TARGET}×`,
      scaling >= SCALING_TARGET,
    ]);
  const head = results.map((r) => `${r.workers} worker${r.workers > 1 ? "s" : ""}`);
  const boundOne = bound.find((r) => r.workers === 1);
  const boundFour = bound.find((r) => r.workers === 4);
  const boundScaling =
    boundOne && boundFour ? boundFour.remote.turnsPerS / boundOne.remote.turnsPerS : undefined;
  const modelBound =
    bound.length === 0
      ? ["", "Model-bound turns: not measured in this run (`--model-bound-turns 0`; `--quick`)."]
      : [
          "",
          `Model-bound turns: ${bound[0].remote.latencies.length} turns per column, each waiting`,
          `${MODEL_MS} ms for the model before it answers (as real turns do), through the same`,
          "workers: what scaling out buys when turns wait rather than compute.",
          "",
          `| metric | ${bound.map((r) => `${r.workers} worker${r.workers > 1 ? "s" : ""}`).join(" | ")} | target | result |`,
          `| --- | ${bound.map(() => "---:").join(" | ")} | --- | --- |`,
          `| distributed turns/s | ${bound.map((r) => r.remote.turnsPerS.toFixed(2)).join(" | ")} | | |`,
          `| p50 / p99 ms | ${bound.map((r) => `${ms(quantile(r.remote.latencies, 0.5))} / ${ms(quantile(r.remote.latencies, 0.99))}`).join(" | ")} | | |`,
          ...(boundScaling === undefined
            ? []
            : [
                `| 4 workers ÷ 1 worker, turns/s | ${bound.map((r) => (r === boundFour ? `${boundScaling.toFixed(2)}×` : "")).join(" | ")} | ≥ ${SCALING_TARGET}× | ${boundScaling >= SCALING_TARGET ? "met" : "**missed**"} |`,
              ]),
        ];
  return {
    title: `9. Distributed turns (${turns} mock-codex turns per column)`,
    markdown: [
      `## 9. Distributed turns (${turns} mock-codex turns per column)`,
      "",
      "`codex-actors/bullmq` on a redis-server of the scenario's own: the producer in the benchmark's",
      "process, N worker processes (concurrency 1 each, the mock CLI as codex), N closed-loop clients",
      "each running one turn (on a thread of its own) at a time; against the in-process `Codex` with",
      "the same N clients and `maxConcurrentTurns` N, alternating, in the same run (after",
      `${WARMUP_TURNS} warm-up turns each). Latency is \`run()\` to its resolution; *added* is the`,
      "distributed quantile minus the in-process one. CPU: the benchmark's process (producer or",
      "in-process Codex, with the codex children it reaped), plus, distributed, the workers (with",
      "theirs) and redis-server. Redis bytes: `INFO memory` `used_memory` after the turns minus",
      "before, ÷ turns — what a finished turn holds until its job and event stream expire",
      "(`keepStreamSeconds`, 1 h); no session (the mock CLI writes no rollout file).",
      "",
      `| metric | ${head.join(" | ")} | target | result |`,
      `| --- | ${head.map(() => "---:").join(" | ")} | --- | --- |`,
      ...rows.map(
        ([metric, values, target = "", met]) =>
          `| ${metric} | ${values.join(" | ")} | ${target} | ${met === undefined ? "" : met ? "met" : "**missed**"} |`,
      ),
      ...modelBound,
    ].join("\n"),
  };
}
