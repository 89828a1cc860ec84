import { execa, type Result } from "execa";
import { fromCallback } from "xstate";
import type { ChildEnvSource } from "../exec/child-env.js";
import { JsonlParser, type ParsedChunk } from "../parser/jsonl-parser.js";
import { CodexNotFoundError, SpawnError, type ProtocolError } from "../types/errors.js";
import type { ThreadEvent } from "../types/events.js";
import type { FlowControl } from "./flow-control.js";
import { LifecycleFilter } from "./lifecycle-filter.js";
import { signalGroup, signalTree, trackGroup, untrackGroup, whenGone } from "./process-group.js";
import { StderrTail } from "./stderr-tail.js";

/** What the process actor needs to start one turn's codex process. */
export type CodexProcessInput = {
  executablePath: string;
  argv: string[];
  /** The env and API key, read at spawn: never copied into actor state. */
  envSource: ChildEnvSource;
  /** Folders to put first on the child's PATH. */
  pathDirs: string[];
  /** Written to stdin, which is then closed. */
  prompt: string;
  /** Receives every parsed event, in order, one call per stdout chunk. */
  deliver: (events: ThreadEvent[]) => void;
  /** Lets a slow consumer hold back stdout. */
  flow?: FlowControl;
  /** How long SIGTERM may take before SIGKILL (default 2 000 ms). */
  killGraceMs?: number;
  /** Report `codex.idle` when stdout stays silent this long. */
  idleTimeoutMs?: number;
};

/** Events the process actor sends to its parent machine. */
export type CodexProcessEvent =
  | { type: "codex.spawned"; pid: number }
  | { type: "codex.batch"; lifecycle: ThreadEvent[]; count: number; error?: ProtocolError }
  | { type: "codex.exited"; exitCode: number | null; signal: string | null; stderrTail: string }
  | { type: "codex.spawnFailed"; error: CodexNotFoundError | SpawnError }
  | { type: "codex.idle"; idleTimeoutMs: number };

/** Commands the process actor accepts. */
export type CodexProcessCommand = { type: "codex.kill" };

const DEFAULT_KILL_GRACE_MS = 2_000;
const LEFTOVER_WAIT_MS = 1_000;

/**
 * One codex process, as an actor: spawns it in its own process group (argv, never a shell),
 * writes the prompt, parses stdout one chunk at a time, keeps a stderr tail, and reports the exit
 * once stdout is drained. Each chunk's events go straight to `deliver`; the machine gets one
 * `codex.batch` per chunk with the events that move its lifecycle (profiling showed that routing
 * every event object through xstate doubles GC work). Stopping the actor kills the whole group.
 */
export const codexProcessLogic = fromCallback<
  CodexProcessCommand,
  CodexProcessInput,
  CodexProcessEvent
>(({ input, sendBack, receive }) => {
  let active = true;
  const send = (event: CodexProcessEvent) => {
    if (active) sendBack(event);
  };
  const parser = new JsonlParser();
  const lifecycle = new LifecycleFilter();
  const forward = (parsed: ParsedChunk) => {
    if (parsed.events.length === 0 && !parsed.error) return;
    input.deliver(parsed.events);
    send({
      type: "codex.batch",
      lifecycle: lifecycle.of(parsed.events),
      count: parsed.events.length,
      ...(parsed.error ? { error: parsed.error } : {}),
    });
  };
  const stderr = new StderrTail();
  let stopping = false;
  /** Descendants found when the kill began: codex runs commands in sessions of their own. */
  let doomed: number[] = [];
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;

  const child = execa(input.executablePath, input.argv, {
    input: input.prompt,
    env: input.envSource.build(input.pathDirs),
    extendEnv: false,
    buffer: false,
    reject: false,
    detached: process.platform !== "win32",
    cleanup: false,
    windowsHide: true,
  });
  const pid = child.pid;
  if (pid !== undefined) {
    trackGroup(pid);
    send({ type: "codex.spawned", pid });
  }
  const { idleTimeoutMs } = input;
  const idleTimer =
    pid === undefined || idleTimeoutMs === undefined
      ? undefined
      : setTimeout(() => send({ type: "codex.idle", idleTimeoutMs }), idleTimeoutMs);

  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  child.stdout?.on("data", (chunk: Buffer) => {
    idleTimer?.refresh();
    if (stopping) return;
    forward(parser.push(chunk));
  });
  if (child.stdout) input.flow?.attach(child.stdout);

  const terminate = () => {
    if (pid === undefined || exited || stopping) return;
    stopping = true;
    clearTimeout(idleTimer);
    child.stdout?.resume();
    doomed = signalTree(pid, "SIGTERM");
    const graceMs = input.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    killTimer = setTimeout(() => (doomed = signalTree(pid, "SIGKILL", doomed)), graceMs);
  };

  void child.then(async (result) => {
    exited = true;
    clearTimeout(killTimer);
    clearTimeout(idleTimer);
    if (pid === undefined) {
      send({ type: "codex.spawnFailed", error: spawnFailure(input.executablePath, result) });
      return;
    }
    // Whatever codex left behind dies now, and the attempt ends only once it is gone.
    const leftovers = stopping ? signalTree(pid, "SIGKILL", doomed) : [];
    if (signalGroup(pid, "SIGKILL") || leftovers.length > 0) {
      await whenGone(leftovers, [pid], LEFTOVER_WAIT_MS);
    }
    untrackGroup(pid);
    if (!stopping) {
      const last = parser.end();
      // A line cut short by a crash is the crash's doing, not a protocol error.
      const crashed = result.exitCode !== 0 || result.signal !== undefined;
      if (crashed) delete last.error;
      forward(last);
    }
    send({
      type: "codex.exited",
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      stderrTail: stderr.toString(),
    });
  });

  receive((command) => {
    if (command.type === "codex.kill") terminate();
  });

  return () => {
    active = false;
    terminate();
  };
});

function spawnFailure(executablePath: string, result: Result): CodexNotFoundError | SpawnError {
  const cause = result.cause ?? new Error(result.originalMessage ?? "spawn failed");
  return (cause as NodeJS.ErrnoException).code === "ENOENT"
    ? new CodexNotFoundError(executablePath, { cause })
    : new SpawnError(executablePath, { cause });
}
