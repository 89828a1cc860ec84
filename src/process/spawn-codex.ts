import { spawn, type ChildProcess } from "node:child_process";
import type { CodexNotFoundError, SpawnError } from "../types/errors.js";
import type { TraceCarrier } from "../telemetry/channels.js";
import { attemptEnvOf, traceEnvOf, type ChildEnvSource } from "./child-env.js";
import { spawnFailure } from "./spawn-failure.js";

/**
 * What it takes to start codex: the binary, its argv, its env, and the prompt for its stdin
 * (`codex exec`), or none to keep stdin open (`codex app-server` reads requests from it).
 */
export type CodexSpawnSpec = {
  executablePath: string;
  argv: string[];
  envSource: ChildEnvSource;
  pathDirs: string[];
  prompt?: string;
  /** W3C trace context for the child's `TRACEPARENT`/`TRACESTATE`, if any. */
  trace?: TraceCarrier;
  /** The attempt's unique id, given to the child as `CODEX_ACTORS_ATTEMPT` (see `attemptMarkOf`). */
  attemptId?: string;
};

/**
 * Starts codex with Node's own `spawn`, as the official SDK does: argv, never a shell; the env
 * exactly as built; its own process group (outside Windows); the prompt, if any, written to
 * stdin, which is then closed. Returns the child, or the typed error when it could not start: `onFailure` is
 * called (later) for a failure Node reports as an `error` event, and never for any other error.
 */
export function spawnCodex(
  spec: CodexSpawnSpec,
  onFailure: (error: CodexNotFoundError | SpawnError) => void,
): ChildProcess | CodexNotFoundError | SpawnError {
  let child: ChildProcess;
  try {
    child = spawn(spec.executablePath, spec.argv, {
      env: {
        ...spec.envSource.build(spec.pathDirs),
        ...traceEnvOf(spec.trace),
        ...attemptEnvOf(spec.attemptId),
      },
      stdio: ["pipe", "pipe", "pipe"],
      detached: process.platform !== "win32",
      windowsHide: true,
    });
  } catch (cause) {
    return spawnFailure(spec.executablePath, { cause });
  }
  // No pid: the spawn failed, and Node says why in an `error` event. With a pid, an `error`
  // (a kill that found no process) changes nothing.
  const started = child.pid !== undefined;
  child.on("error", (cause) => {
    if (!started) onFailure(spawnFailure(spec.executablePath, { cause }));
  });
  // codex may exit before it reads its stdin: a broken pipe is no failure of ours.
  child.stdin?.on("error", () => undefined);
  if (spec.prompt !== undefined) child.stdin?.end(spec.prompt);
  return child;
}
