import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startWorker, type QueueWorker } from "../../src/bullmq/index.js";
import { standInConfig } from "../../src/model-stand-in/index.js";
import type { SupervisionPolicy } from "../../src/index.js";
import { scaled } from "./deadlines.js";
import { hermeticEnv } from "./hermetic-env.js";
import { atTeardown, tempDir } from "./rig-registry.js";

const WORKER_SCRIPT = fileURLToPath(new URL("../fixtures/queue-worker.mjs", import.meta.url));

/** A `codex-actors/bullmq` worker running as a real child process (test/fixtures/queue-worker.mjs). */
export type WorkerProcess = {
  pid: number;
  /** Its codex's CODEX_HOME: a fresh folder of its own, as on another machine. */
  codexHome: string;
  /** SIGKILLs it (and its process group) and waits for its exit. */
  kill: () => Promise<void>;
  /** SIGTERMs it (a graceful `worker.close()`), and resolves with its exit code. */
  terminate: () => Promise<number | null>;
  /** What it printed so far (stdout and stderr). */
  output: () => string;
  /** Stops it (SIGSTOP) without a trace in Redis, as a frozen machine would; `resume` undoes it. */
  pause: () => void;
  /** Lets a paused worker go on (SIGCONT). */
  resume: () => void;
};

/**
 * Starts a worker process on queue `name` of the Redis at `port`, its codex talking to the stand-in
 * at `standInUrl`, with its own HOME and CODEX_HOME. Killed at the test's teardown.
 */
export async function startWorkerProcess(options: {
  port: number;
  name: string;
  standInUrl: string;
  /** The worker's bound on a stored session (default: the library's). */
  maxSessionBytes?: number;
  /** Its codex's supervision policy (which also decides re-takes of lost workers' turns). */
  supervision?: SupervisionPolicy;
  /** Its codex's transport (default exec). */
  transport?: "exec" | "app-server";
  /** Its codex's API key (default "test-key"): each model request's bearer token. */
  apiKey?: string;
}): Promise<WorkerProcess> {
  const root = tempDir("worker");
  const [home, codexHome] = ["home", "codex-home"].map((name) => {
    mkdirSync(path.join(root, name));
    return path.join(root, name);
  }) as [string, string];
  const settings = { ...options, home, codexHome };
  const child = spawn(process.execPath, [WORKER_SCRIPT], {
    env: hermeticEnv({ QUEUE_WORKER: JSON.stringify(settings) }),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  // As a machine's crash would: the worker and every process under it (its codex children lead
  // process groups of their own), so that none writes into its folders after they are removed.
  const kill = async () => {
    const under = descendantsOf(child.pid!);
    killGroup(child, "SIGKILL");
    for (const pid of under) signalGroupAndProcess(pid);
    await exited;
  };
  atTeardown(`the worker process ${child.pid}`, kill);
  await readyLine(child, () => output);
  return {
    pid: child.pid!,
    codexHome,
    kill,
    terminate: async () => {
      child.kill("SIGTERM");
      return exited;
    },
    output: () => output,
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
  };
}

/**
 * A worker in this process (so that what it runs counts for coverage), on the same terms as a
 * worker process: its own HOME and CODEX_HOME, the real binary against the stand-in. Closed at
 * the test's teardown.
 */
export async function startLocalWorker(options: {
  port: number;
  name: string;
  standInUrl: string;
  maxSessionBytes?: number;
  transport?: "exec" | "app-server";
  supervision?: SupervisionPolicy;
}): Promise<{ worker: QueueWorker; codexHome: string }> {
  const root = tempDir("local-worker");
  const [home, codexHome] = ["home", "codex-home"].map((name) => {
    mkdirSync(path.join(root, name));
    return path.join(root, name);
  }) as [string, string];
  const worker = await startWorker({
    connection: { host: "127.0.0.1", port: options.port },
    name: options.name,
    maxSessionBytes: options.maxSessionBytes,
    codex: {
      apiKey: "test-key",
      config: { ...standInConfig(options.standInUrl), allow_login_shell: false },
      env: hermeticEnv({ HOME: home, CODEX_HOME: codexHome }),
      transport: options.transport,
      supervision: options.supervision,
    },
    bullmq: { lockDuration: 4_000, stalledInterval: 2_000 },
  });
  atTeardown("a local queue worker", () => worker.close());
  return { worker, codexHome };
}

/** The live descendants of `root`, read from /proc (Linux; elsewhere none). */
export function descendantsOf(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSafe("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const found = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent)
      if (!found.has(pid) && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
  }
  found.delete(root);
  return [...found];
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function signalGroupAndProcess(pid: number): void {
  for (const target of [-pid, pid])
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // Not a group leader, or gone already.
    }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is gone already.
  }
}

function readyLine(child: ChildProcess, output: () => string): Promise<void> {
  const bound = scaled(15_000);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the worker was not ready within ${bound} ms:\n${output()}`)),
      bound,
    );
    const check = () => {
      if (output().includes('"ready":true')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${signal ?? code}) before it was ready:\n${output()}`));
    });
  });
}
