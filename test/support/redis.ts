import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, stop } from "../../src/demo/cluster/redis-server.js";
import { scaled } from "./deadlines.js";
import { hermeticEnv } from "./hermetic-env.js";
import { atTeardown, removeFolder } from "./rig-registry.js";

/**
 * A real `redis-server` of the test's own (Debian package `redis-server`; `.ci/run` installs it):
 * a free loopback port, a temp folder for its append-only file, no snapshots. Stopped and its
 * folder removed at the test's teardown, whatever its outcome.
 */
export type RedisRig = {
  port: number;
  /** As BullMQ and ioredis take it. */
  connection: { host: string; port: number };
  /** The folder it runs in (its AOF). */
  dir: string;
  /** The server's pid. */
  pid: number;
  /** Stops it now (SIGTERM, then SIGKILL after 5 s); at teardown it happens anyway. */
  stop: () => Promise<void>;
  /**
   * Stops it (SIGTERM: its append-only file is flushed), keeps it down for `ms`, then starts it
   * again on the same port and folder (its data reloaded from the AOF); resolves once it is back.
   */
  outage: (ms: number) => Promise<void>;
};

const REDIS_SERVER = "redis-server";

/** Starts a `redis-server` for this test. */
export async function startRedis(): Promise<RedisRig> {
  const dir = mkdtempSync(path.join(tmpdir(), "codex-actors-redis-"));
  const removeDir = atTeardown(`the Redis folder ${dir}`, () => removeFolder(dir));
  for (let tries = 1; ; tries++) {
    const port = await freePort();
    try {
      return await launch(port, dir, removeDir);
    } catch (error) {
      // Another process took the port between our check and the server's bind: once more.
      if (tries >= 3 || !String(error).includes("Address already in use")) throw error;
    }
  }
}

async function launch(
  port: number,
  dir: string,
  removeDir: () => Promise<void>,
): Promise<RedisRig> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir];
  const child = spawn(REDIS_SERVER, [...args, "--save", "", "--appendonly", "yes"], {
    cwd: dir,
    env: hermeticEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stopServer = atTeardown(`redis-server on port ${port}`, () => stop(child, 5_000));
  await ready(child, port);
  return {
    port,
    connection: { host: "127.0.0.1", port },
    dir,
    pid: child.pid!,
    stop: async () => {
      await stopServer();
      await removeDir();
    },
    outage: async (ms) => {
      await stopServer();
      await new Promise((resolve) => setTimeout(resolve, ms));
      const again = spawn(REDIS_SERVER, [...args, "--save", "", "--appendonly", "yes"], {
        cwd: dir,
        env: hermeticEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      atTeardown(`redis-server on port ${port}, restarted`, () => stop(again, 5_000));
      await ready(again, port);
    },
  };
}

/** Resolves once the server accepts connections; rejects with what it printed if it exits. */
function ready(child: ChildProcess, port: number): Promise<void> {
  const bound = scaled(10_000);
  let output = "";
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`redis-server on port ${port} was not ready within ${bound} ms:\n${output}`),
      );
    }, bound);
    const settle = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    child.on("error", (error: NodeJS.ErrnoException) =>
      settle(
        error.code === "ENOENT"
          ? new Error(
              "redis-server is not installed: install the Debian package `redis-server` " +
                "(apt-get install -y redis-server)",
            )
          : error,
      ),
    );
    child.on("exit", (code, signal) =>
      settle(new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${output}`)),
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) settle();
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
  });
}
