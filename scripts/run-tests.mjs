#!/usr/bin/env node
// `npm test`: runs Jest (arguments pass through) within a time limit, as the last guard against a
// run that never ends. The run is marked (CODEX_ACTORS_TEST_RUN, see test/support/run-marker.mjs)
// so that whatever it leaves running — after Jest exits, or when Jest is stopped at the limit —
// is found, killed and named, and the command fails. The limit is CODEX_ACTORS_TEST_LIMIT_S
// seconds (default 600).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describeProcesses, reap, runProcesses } from "../test/support/leftover-processes.mjs";
import { runMarker } from "../test/support/run-marker.mjs";

const JEST = fileURLToPath(new URL("../node_modules/jest/bin/jest.js", import.meta.url));
const limitS = Number(process.env.CODEX_ACTORS_TEST_LIMIT_S ?? 600);
if (!(limitS > 0)) {
  console.error(`CODEX_ACTORS_TEST_LIMIT_S must be a positive number of seconds, got ${limitS}`);
  process.exit(2);
}

const marker = runMarker();
const jest = spawn(
  process.execPath,
  ["--experimental-vm-modules", JEST, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
let overTime = false;
const limit = setTimeout(() => {
  overTime = true;
  console.error(`\nnpm test: the run took longer than ${limitS} s; stopping it`);
  jest.kill("SIGTERM");
  setTimeout(() => jest.kill("SIGKILL"), 10_000).unref();
}, limitS * 1000);

// Ctrl-C reaches Jest directly (same process group); other stop signals are passed on.
process.on("SIGINT", () => undefined);
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => jest.kill(signal));

const [code, signal] = await new Promise((resolve) =>
  jest.on("exit", (...outcome) => resolve(outcome)),
);
clearTimeout(limit);
const leftovers = await reap(() => runProcesses(marker));
if (leftovers.length > 0)
  console.error(
    `\nnpm test: the run left ${leftovers.length} process(es) behind (now killed):\n${describeProcesses(leftovers)}`,
  );
process.exitCode = overTime || leftovers.length > 0 ? 1 : (code ?? (signal ? 1 : 0));
