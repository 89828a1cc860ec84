// One consumer's run of one workload, in its own Node process: prints a JSON result line with
// the workload's figures plus this process's CPU time and peak RSS.
import { performance } from "node:perf_hooks";

const spec = JSON.parse(process.argv[2]);
const { run } = await import(`./workloads/${spec.workload}.mjs`);
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const figures = await run(spec);
const cpu = process.cpuUsage(cpuBefore);
const result = {
  ...figures,
  wallMs: figures.wallMs ?? performance.now() - wallBefore,
  cpuMs: (cpu.user + cpu.system) / 1000,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
