#!/usr/bin/env node
// `npm run test:stress [-- --runs N --hogs N --two-suites]`: runs the whole suite N times (default
// 5) under CPU contention — busy processes, two per core by default (stress-ng when installed, else
// node spinners), and with --two-suites a second full suite at the same time — and prints, per
// test, in how many runs it failed: the flakes. Each run goes through `npm test`'s own guard
// (scripts/run-tests.mjs), so a leftover process or a run over its time limit fails the run too.
// Exits 1 if any run failed. Logs of failed runs are kept (their folder is printed).
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, stripVTControlCharacters } from "node:util";

const RUN_TESTS = fileURLToPath(new URL("./run-tests.mjs", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    hogs: { type: "string", default: String(2 * availableParallelism()) },
    "two-suites": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const hogs = Number(values.hogs);
for (const [name, value] of [
  ["runs", runs],
  ["hogs", hogs],
])
  if (!Number.isInteger(value) || value < (name === "runs" ? 1 : 0)) {
    console.error(`--${name} must be a whole number, got ${values[name]}`);
    process.exit(2);
  }

/** A node process spinning one core until stopped or orphaned. */
const SPINNER =
  "const parent = process.ppid; for (;;) { for (let i = 0; i < 1e7; i++); if (process.ppid !== parent) process.exit(); }";

/** Keeps `count` processes busy until stopped: stress-ng if installed, else node spinners. */
function startContention(count, rounds) {
  const stressNg = (process.env.PATH ?? "")
    .split(path.delimiter)
    .map((dir) => path.join(dir, "stress-ng"))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  // stress-ng's own timeout is a backstop should this script be killed before it stops it.
  const options = { stdio: "ignore", detached: true };
  const busy = stressNg
    ? [
        spawn(
          stressNg,
          ["--cpu", String(count), "--quiet", "--timeout", `${rounds * 900}s`],
          options,
        ),
      ]
    : Array.from({ length: count }, () => spawn(process.execPath, ["-e", SPINNER], options));
  const stop = () => {
    for (const hog of busy) {
      try {
        process.kill(-hog.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  return { what: stressNg ? `stress-ng --cpu ${count}` : `${count} node spinners`, stop };
}

/**
 * How much longer than usual a test may wait under this contention: the busy processes (hogs, and
 * each suite's two Jest workers) per core. Tests' deadlines bound hangs, not timings
 * (test/support/deadlines.ts); the stress run looks for races, not for slow machines.
 */
const timeScale =
  process.env.CODEX_ACTORS_TEST_TIME_SCALE ??
  String(
    Math.max(1, Math.ceil((hogs + 2 * (values["two-suites"] ? 2 : 1)) / availableParallelism())),
  );
const limitS = process.env.CODEX_ACTORS_TEST_LIMIT_S ?? String(600 * Number(timeScale));

/** One suite run through `npm test`'s guard; resolves with its exit code and Jest's JSON. */
function runSuite(logDir, name) {
  const log = path.join(logDir, `${name}.log`);
  const json = path.join(logDir, `${name}.json`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUN_TESTS, "--json", `--outputFile=${json}`], {
      cwd: ROOT,
      env: {
        ...process.env,
        CODEX_ACTORS_TEST_TIME_SCALE: timeScale,
        CODEX_ACTORS_TEST_LIMIT_S: limitS,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => {
      writeFileSync(log, output);
      let report;
      try {
        report = JSON.parse(readFileSync(json, "utf8"));
      } catch {
        report = undefined;
      }
      resolve({ name, code, report, log, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Failed test names of a run: each failed test, and each test file that failed outside its tests. */
function failuresOf(run) {
  const failed = new Map();
  for (const file of run.report?.testResults ?? []) {
    const where = path.relative(ROOT, file.name);
    for (const test of file.assertionResults)
      if (test.status === "failed")
        failed.set(`${where} › ${test.fullName}`, firstLine(test.failureMessages.join("\n")));
    if (file.status === "failed" && file.assertionResults.every((t) => t.status !== "failed"))
      failed.set(`${where} (outside its tests)`, firstLine(file.message));
  }
  if (run.code !== 0 && failed.size === 0)
    failed.set("(the run itself: leftover processes or time limit)", `see ${run.log}`);
  return failed;
}

const firstLine = (text = "") =>
  stripVTControlCharacters(text)
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith("●")) ?? "";

const logDir = mkdtempSync(path.join(tmpdir(), "codex-actors-stress-"));
const contention = hogs > 0 ? startContention(hogs, runs) : { what: "no CPU hog", stop: () => {} };
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    contention.stop();
    process.exit(130);
  });
const suites = values["two-suites"] ? 2 : 1;
console.log(
  `${runs} round(s) of ${suites} suite(s) at once, under ${contention.what};` +
    ` test deadlines ×${timeScale}, each run's limit ${limitS} s`,
);
const results = [];
try {
  for (let round = 1; round <= runs; round++) {
    const names = Array.from({ length: suites }, (_, i) => `round-${round}-suite-${i + 1}`);
    for (const run of await Promise.all(names.map((name) => runSuite(logDir, name)))) {
      const failed = failuresOf(run);
      const counts = run.report
        ? `${run.report.numPassedTests} passed, ${run.report.numFailedTests} failed`
        : "no report";
      console.log(`${run.name}: exit ${run.code}, ${counts}, ${run.seconds.toFixed(0)} s`);
      results.push({ ...run, failed });
    }
  }
} finally {
  contention.stop();
}

const flakes = new Map();
for (const run of results)
  for (const [test, message] of run.failed) {
    const entry = flakes.get(test) ?? { count: 0, messages: new Set() };
    entry.count += 1;
    entry.messages.add(message);
    flakes.set(test, entry);
  }
console.log(`\n${results.length} suite runs, ${results.filter((r) => r.code === 0).length} green`);
if (flakes.size === 0) {
  console.log("no test failed in any run");
  rmSync(logDir, { recursive: true, force: true });
} else {
  console.log("failures per test (runs failed / runs):");
  for (const [test, { count, messages }] of [...flakes].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`  ${count}/${results.length}  ${test}`);
    for (const message of messages) console.log(`         ${message}`);
  }
  console.log(`logs: ${logDir}`);
  process.exitCode = 1;
}
