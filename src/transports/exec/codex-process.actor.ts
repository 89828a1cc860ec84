import { fromCallback } from "xstate";
import { newAttemptId, type ChildEnvSource } from "../../process/child-env.js";
import { JsonlParser, type ParsedChunk } from "./jsonl-parser.js";
import type { CodexNotFoundError, ProtocolError, SpawnError } from "../../types/errors.js";
import type { ThreadEvent } from "../../types/events.js";
import type { FlowControl } from "../../process/flow-control.js";
import { LifecycleFilter } from "../lifecycle-filter.js";
import { OwnedProcess } from "../../process/owned-process.js";
import type { TraceCarrier } from "../../telemetry/channels.js";

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
  /** W3C trace context the child continues (`TRACEPARENT`/`TRACESTATE`), if telemetry set one. */
  trace?: TraceCarrier;
  /** Receives every parsed event, in order, one call per stdout chunk. */
  deliver: (events: ThreadEvent[]) => void;
  /** Lets a slow consumer hold back stdout. */
  flow?: FlowControl;
  /** How long SIGTERM may take before SIGKILL (default `DEFAULT_KILL_GRACE_MS`). */
  killGraceMs?: number;
  /** Report `codex.idle` when stdout stays silent this long. */
  idleTimeoutMs?: number;
};

/** Events the process actor sends to its parent machine. */
export type CodexProcessEvent =
  | { type: "codex.spawned"; pid: number }
  | {
      /** Sent for chunks that move the lifecycle or hold a protocol error, and once at the end. */
      type: "codex.batch";
      /** The events among those counted that move the lifecycle (in order). */
      lifecycle: readonly ThreadEvent[];
      /** Events delivered since the previous batch, these included. */
      count: number;
      error?: ProtocolError;
    }
  | { type: "codex.exited"; exitCode: number | null; signal: string | null; stderrTail: string }
  | { type: "codex.spawnFailed"; error: CodexNotFoundError | SpawnError }
  | { type: "codex.idle"; idleTimeoutMs: number };

/** Commands the process actor accepts. */
export type CodexProcessCommand = { type: "codex.kill" };

/**
 * One codex process, as an actor: spawns it in its own process group (argv, never a shell),
 * writes the prompt, parses stdout one chunk at a time, keeps a stderr tail, and reports the exit
 * once what codex left is killed and its output drained (a bounded wait: a leftover may hold it).
 * Each chunk's events go straight to `deliver`; the machine gets a `codex.batch` only for a
 * chunk with events that move its lifecycle (or a protocol error), and one at the end with the
 * count of the rest: profiling showed a transition per chunk costing ~30 µs of CPU, more than
 * parsing it. Stopping the actor kills the whole group. codex's environment carries a mark unique
 * to the attempt (`CODEX_ACTORS_ATTEMPT`), which all it starts inherits: however the attempt
 * ends, every process still carrying it is killed before the exit is reported.
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
  /** Events delivered since the last `codex.batch`: counted in the next one. */
  let uncounted = 0;
  /**
   * Hands a chunk's events on; returns the ones that move the lifecycle. Only a chunk with one
   * of those, or a protocol error, makes a `codex.batch` (a machine transition costs more than
   * parsing a small chunk); the others are counted into the next batch.
   */
  const forward = ({ events, error }: ParsedChunk): readonly ThreadEvent[] => {
    if (events.length === 0 && !error) return NO_EVENTS;
    input.deliver(events);
    const moves = lifecycle.of(events);
    if (moves.length === 0 && !error) {
      uncounted += events.length;
      return moves;
    }
    const count = uncounted + events.length;
    uncounted = 0;
    send({ type: "codex.batch", lifecycle: moves, count, ...(error ? { error } : {}) });
    return moves;
  };
  /** Sends the count of events no batch has carried yet (once the output has ended). */
  const countTheRest = () => {
    if (uncounted === 0) return;
    send({ type: "codex.batch", lifecycle: NO_EVENTS, count: uncounted });
    uncounted = 0;
  };
  const owned = OwnedProcess.start(
    { ...input, attemptId: newAttemptId(), atExit: "reap" },
    {
      onSpawnFailure: (error) => send({ type: "codex.spawnFailed", error }),
      onExit: () => clearTimeout(idleTimer),
      onEnd: ({ exitCode, signal, stderrTail, stopped }) => {
        if (!stopped) {
          const last = parser.end();
          // A line cut short by a crash is the crash's doing, not a protocol error.
          if (exitCode !== 0 || signal !== null) delete last.error;
          forward(last);
          countTheRest();
        }
        send({ type: "codex.exited", exitCode, signal, stderrTail });
      },
    },
  );
  if (owned === null) return () => void (active = false);
  const { child, pid } = owned;
  if (pid !== undefined) send({ type: "codex.spawned", pid });
  const { idleTimeoutMs } = input;
  const idleTimer =
    pid === undefined || idleTimeoutMs === undefined
      ? undefined
      : setTimeout(() => send({ type: "codex.idle", idleTimeoutMs }), idleTimeoutMs);

  child.stdout?.on("data", (chunk: Buffer) => {
    if (!owned.exited) idleTimer?.refresh();
    if (owned.stopping) return;
    const moves = forward(parser.push(chunk));
    // codex is about to exit: list what it leaves running while they still trace back to it.
    if (moves.some(isTurnEnd)) owned.listTreeNow();
  });
  if (child.stdout) input.flow?.attach(child.stdout);

  const terminate = () => {
    if (!owned.kill()) return;
    clearTimeout(idleTimer);
    child.stdout?.resume();
  };

  receive((command) => {
    if (command.type === "codex.kill") terminate();
  });

  return () => {
    active = false;
    terminate();
  };
});

const NO_EVENTS: readonly ThreadEvent[] = Object.freeze([]);

const isTurnEnd = (event: ThreadEvent) =>
  event.type === "turn.completed" || event.type === "turn.failed";
