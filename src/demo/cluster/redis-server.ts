import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A `redis-server` the demo started: its port and pid, and how to stop it. */
export type DemoRedis = {
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop: (graceMs?: number) => Promise<void>;
};

/** What the demo says when there is no `redis-server` to start. */
export const MISSING_REDIS =
  "redis-server is not installed: the cluster demo starts one of its own. Install the Debian " +
  "package `redis-server` (apt-get install redis-server), or put redis-server on PATH.";

/** Thrown when `redis-server` is not on PATH. */
export class MissingRedisError extends Error {
  constructor() {
    super(MISSING_REDIS);
    this.name = "MissingRedisError";
  }
}

/**
 * Starts `redis-server` on a free loopback port, its append-only file in `dir`, no snapshots, with
 * `env` (built from scratch) as its environment. Rejects with `MissingRedisError` if there is none.
 */
export async function startRedisServer(
  dir: string,
  env: Record<string, string>,
): Promise<DemoRedis> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"];
  const child = spawn("redis-server", [...args, "--dir", dir], {
    cwd: dir,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  await ready(child, port);
  return { port, pid: child.pid!, stop: (graceMs = 5_000) => stop(child, graceMs) };
}

/** Resolves once the server accepts connections; rejects with what it printed if it exits. */
function ready(child: ChildProcess, port: number): Promise<void> {
  let output = "";
  return new Promise<void>((resolve, reject) => {
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new MissingRedisError() : error),
    );
    child.on("exit", (code, signal) =>
      reject(new Error(`redis-server on port ${port} exited (${signal ?? code}):\n${output}`)),
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
  });
}

/** Stops `child` (SIGTERM, then SIGKILL after `graceMs`) and resolves once it has exited. */
export async function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
