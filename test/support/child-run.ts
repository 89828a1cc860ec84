import { spawn } from "node:child_process";
import path from "node:path";
import { atTeardown } from "./rig-registry.js";

/** How a child process ended, and what it printed (stdout and stderr, interleaved). */
export type ChildRun = { code: number | null; signal: NodeJS.Signals | null; output: string };

/** Where, with what environment (and nothing else) and for how long a child runs. */
export type ChildRunOptions = { cwd: string; env: Record<string, string>; timeoutMs: number };

/** Runs `node` with `args`: {@link runChild} of this process's own node. */
export function runNode(args: string[], options: ChildRunOptions): Promise<ChildRun> {
  return runChild(process.execPath, args, options);
}

/**
 * Runs `command` with `args` in `cwd`, in a process group of its own, with `env` only. The group
 * is SIGKILLed after `timeoutMs`, and at the test's teardown if it still runs.
 */
export function runChild(
  command: string,
  args: string[],
  options: ChildRunOptions,
): Promise<ChildRun> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // The group is gone already.
    }
  };
  atTeardown(`${path.basename(command)} ${args.join(" ")}`, killGroup);
  const timer = setTimeout(killGroup, options.timeoutMs);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    }),
  );
}
