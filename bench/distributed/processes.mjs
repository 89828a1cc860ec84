// The child processes of scenario 9: a redis-server and worker processes, each stopped by its
// pid; and the CPU time a process (with its reaped children) has used, from /proc.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const WORKER = fileURLToPath(new URL("./worker.mjs", import.meta.url));
const TICK_MS = 10; // USER_HZ, 100 on Linux

// Starts redis-server on a free loopback port, its files in `dir`; resolves once it is ready.
export async function startRedis(dir) {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"];
  const child = spawn("redis-server", [...args, "--dir", dir], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await untilPrinted(child, "Ready to accept connections", "redis-server");
  return { port, child, stop: () => stopChild(child) };
}

// Starts a worker process on queue `name`; resolves once it takes turns.
export async function startWorkerProcess(settings) {
  const child = spawn(process.execPath, [WORKER], {
    env: { PATH: process.env.PATH ?? "", BENCH_WORKER: JSON.stringify(settings) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  await untilPrinted(child, "ready", "a worker");
  return { child, stop: () => stopChild(child) };
}

// CPU ms `pid` has used, its reaped children included (utime + stime + cutime + cstime).
export function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) * TICK_MS;
}

// SIGTERM, then SIGKILL after 5 s; resolves once the process has exited.
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function untilPrinted(child, text, what) {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${what} was not ready within 15 s:\n${output}`));
    }, 15_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(
        error.code === "ENOENT"
          ? new Error("scenario 9 needs redis-server: apt-get install redis-server")
          : error,
      );
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready:\n${output}`));
    });
    const read = (chunk) => {
      output += chunk;
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.setEncoding("utf8").on("data", read);
    child.stderr.setEncoding("utf8").on("data", read);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
