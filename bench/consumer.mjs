// One consumer's run of one workload, in its own Node process: prints a JSON result line with
// the workload's figures, the consumer's import time, and this whole process's CPU time (from
// its start, Node's own boot included) and peak RSS.
import { performance } from "node:perf_hooks";
import { loadConsumer } from "./consumers/index.mjs";

const spec = JSON.parse(process.argv[2]);
const { run } = await import(`./workloads/${spec.workload}.mjs`);
const importStarted = performance.now();
await loadConsumer(spec.consumer);
const importMs = performance.now() - importStarted;
const workStarted = performance.now();
const figures = await run(spec);
const cpu = process.cpuUsage();
const result = {
  ...figures,
  importMs,
  wallMs: figures.wallMs ?? performance.now() - workStarted,
  cpuMs: (cpu.user + cpu.system) / 1000,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
