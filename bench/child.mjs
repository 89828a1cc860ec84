// Runs one consumer's workload in a fresh Node process and reads back its JSON result;
// optionally samples how many child processes that consumer has alive at once.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const CONSUMER_SCRIPT = fileURLToPath(new URL("./consumer.mjs", import.meta.url));
const SAMPLE_EVERY_MS = 5;
/** No single run of any scenario takes a minute; one that does is stuck, and the run fails. */
const RUN_TIMEOUT_MS = 120_000;

// Runs `spec` in a child Node process; resolves with its result, plus `processMs` (spawn to
// exit, as the parent saw it) and `peakChildren` if asked.
export function runInChild(spec, { nodeArgs = [], countChildren = false } = {}) {
  return new Promise((resolve, reject) => {
    const spawned = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, CONSUMER_SCRIPT, JSON.stringify(spec)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text) => (stderr += text));
    let peakChildren = 0;
    const sampler = countChildren
      ? setInterval(
          () => (peakChildren = Math.max(peakChildren, liveChildren(child.pid))),
          SAMPLE_EVERY_MS,
        )
      : undefined;
    const timeout = setTimeout(() => {
      child.kill("SIGKILL");
      stderr += `\n(killed: no result after ${RUN_TIMEOUT_MS / 1000} s)`;
    }, RUN_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      const processMs = performance.now() - spawned;
      clearTimeout(timeout);
      clearInterval(sampler);
      const last = stdout.trim().split("\n").at(-1);
      if (code !== 0 || !last) {
        reject(
          new Error(`${spec.consumer} ${spec.workload} exited ${code}:\n${stderr.slice(-2000)}`),
        );
        return;
      }
      const result = { ...JSON.parse(last), processMs };
      resolve(countChildren ? { ...result, peakChildren } : result);
    });
  });
}

// How many direct children `pid` has right now (Linux /proc), not counting codex-actors'
// sentinel (one watcher per host, not a turn's process).
function liveChildren(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return text === "" ? 0 : text.split(" ").filter((child) => !isSentinel(child)).length;
  } catch {
    return 0;
  }
}

function isSentinel(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("codex-actors sentinel");
  } catch {
    return false;
  }
}
