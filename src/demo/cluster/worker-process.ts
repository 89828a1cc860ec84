import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { descendantsOf } from "../../process/process-tree.js";
import type { DemoWorkerSettings } from "./worker.js";

/** The worker's script, built beside this module (build/demo/cluster/worker.js). */
const WORKER_SCRIPT = fileURLToPath(new URL("./worker.js", import.meta.url));

/** A worker of the demo, running as a child process. */
export type DemoWorker = {
  /** Its name in the demo's log ("A", "B"). */
  label: string;
  pid: number;
  /** SIGKILLs it, its process group and every process under it (its codex); waits for its exit. */
  kill: () => Promise<void>;
  /** SIGTERM (a graceful `worker.close()`); SIGKILL as `kill` does after `graceMs`. */
  stop: (graceMs: number) => Promise<void>;
  /** What it printed (stdout and stderr). */
  output: () => string;
};

/**
 * Starts worker `label` in a process group of its own, with a fresh HOME and CODEX_HOME under
 * `root` and an environment built from scratch (`baseEnv` and those). Resolves once it is ready.
 */
export async function startDemoWorker(
  label: string,
  root: string,
  baseEnv: Record<string, string>,
  queue: { port: number; name: string; standInUrl: string },
): Promise<DemoWorker> {
  const home = path.join(root, `worker-${label}`);
  const codexHome = path.join(home, ".codex");
  mkdirSync(codexHome, { recursive: true });
  const env = { ...baseEnv, HOME: home, CODEX_HOME: codexHome };
  const settings: DemoWorkerSettings = { ...queue, apiKey: `demo-worker-${label}`, env };
  const child = spawn(process.execPath, [WORKER_SCRIPT], {
    env: { ...env, DEMO_WORKER: JSON.stringify(settings) },
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    const under = descendantsOf(child.pid!);
    for (const pid of [child.pid!, ...under]) signalGroupAndProcess(pid);
    await exited;
  };
  const stop = async (graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(resolve, graceMs, "late")));
    if ((await Promise.race([exited, late])) === "late") await kill();
    clearTimeout(timer);
  };
  await ready(child, () => output).catch(async (error: unknown) => {
    await kill();
    throw error;
  });
  return { label, pid: child.pid!, kill, stop, output: () => output };
}

/** Resolves when the worker prints `ready`; rejects with its output if it exits first. */
function ready(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", () => {
      if (/^ready$/m.test(output())) resolve();
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`worker exited (${signal ?? code}) before it was ready:\n${output()}`)),
    );
  });
}

/** SIGKILL to `pid`'s process group (codex children lead their own) and to `pid` itself. */
function signalGroupAndProcess(pid: number): void {
  for (const target of [-pid, pid])
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // Not a group leader, or gone already.
    }
}
