// The benchmark entry point: `node bench/run.mjs [--quick] [--events N …]` (after `npm run build`).
// Runs the scenarios, prints the markdown table, and writes it to docs/BENCHMARKS.md.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { alternate } from "./alternate.mjs";
import { CONSUMERS } from "./consumers/index.mjs";
import { prepareFixtures } from "./fixtures.mjs";
import { parseOptions } from "./options.mjs";
import { packageSection } from "./package-size.mjs";
import { renderReport } from "./report.mjs";
import { coldStart } from "./scenarios/cold-start.mjs";
import { concurrency } from "./scenarios/concurrency.mjs";
import { distributed } from "./scenarios/distributed.mjs";
import { latency } from "./scenarios/latency.mjs";
import { realTurns } from "./scenarios/real-turns.mjs";
import { slowConsumer } from "./scenarios/slow-consumer.mjs";
import { telemetry } from "./scenarios/telemetry.mjs";
import { bigItems, pipeSpeed } from "./scenarios/throughput.mjs";

const SCENARIOS = {
  1: pipeSpeed,
  2: bigItems,
  3: slowConsumer,
  4: latency,
  5: realTurns,
  6: concurrency,
  7: coldStart,
  8: telemetry,
  9: distributed,
};
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ANALYSIS = fileURLToPath(new URL("./analysis.md", import.meta.url));
const FAKE_CLI = fileURLToPath(new URL("./fake-cli/", import.meta.url));

const options = parseOptions(process.argv.slice(2));
const command = `node bench/run.mjs ${process.argv.slice(2).join(" ")}`.trim();
const startedAt = new Date();
const started = performance.now();
const dir = mkdtempSync(path.join(tmpdir(), "codex-actors-bench-"));
try {
  for (const name of ["stream-file.mjs", "stamped.mjs"])
    chmodSync(path.join(FAKE_CLI, name), 0o755);
  const fixtures = prepareFixtures(dir, options);
  fixtures.throughputMb = (statSync(fixtures.throughput).size / 1e6).toFixed(1);
  const ctx = makeContext(fixtures);
  const sections = [];
  for (const number of options.only) {
    log(`scenario ${number}`);
    sections.push(await SCENARIOS[number](ctx));
  }
  const report = renderReport(sections, {
    command,
    options,
    startedAt,
    elapsedMs: performance.now() - started,
    extra: packageSection(),
    analysis: readFileSync(ANALYSIS, "utf8"),
  });
  process.stdout.write(`\n${report}`);
  if (options.out) {
    const out = path.resolve(ROOT, options.out);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, report);
    log(`wrote ${path.relative(ROOT, out)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// What every scenario gets: options, prepared files, a logger, and the alternating runner.
function makeContext(fixtures) {
  return {
    options,
    fixtures,
    dir,
    log,
    alternate: (makeSpec, childOptions = {}, consumers = CONSUMERS, runs = options.runs) =>
      alternate(
        consumers,
        (consumer) => ({ workload: "stream", consumer, ...makeSpec(consumer) }),
        {
          warmup: options.warmup,
          runs,
          childOptions,
          log,
        },
      ),
    fakeCli: (name, env) => ({
      executablePath: path.join(FAKE_CLI, `${name}.mjs`),
      env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
    }),
  };
}

// Progress goes to stderr, so stdout holds only the report.
function log(line) {
  process.stderr.write(`${line}\n`);
}
