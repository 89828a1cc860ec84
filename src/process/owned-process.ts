import type { ChildProcess } from "node:child_process";
import type { CodexNotFoundError, SpawnError } from "../types/errors.js";
import { attemptMarkOf } from "./child-env.js";
import { knownDescendants, leftoversOf, lookNow } from "./descendant-watch.js";
import { drainAfterExit, type ExitDrain } from "./exit-drain.js";
import { processesCarrying } from "./process-environment.js";
import {
  killLeftovers,
  killMarked,
  signalTree,
  trackGroup,
  untrackGroup,
  whenGone,
} from "./process-group.js";
import { spawnCodex, type CodexSpawnSpec } from "./spawn-codex.js";
import { StderrTail } from "./stderr-tail.js";

/** How long codex may take to end after SIGTERM before its group and tree get SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 2_000;
/** How long, after codex's exit, its output may take to end (paused time aside). */
const OUTPUT_DRAIN_MS = 500;
/** How long what was killed at codex's exit may take to be gone. */
const LEFTOVER_WAIT_MS = 1_000;

/**
 * What is done once codex has exited, before its end is reported. `"reap"` (an attempt's codex,
 * whose commands are the attempt's): all it left is killed, and its stdout and stderr are waited
 * for; `"release"` (the app-server): its group is let go at once, and only its stderr, whose tail
 * says why it ended, is waited for.
 */
export type ExitSettlement = "reap" | "release";

/** What it takes to start and own one codex process. */
export type OwnedProcessSpec = CodexSpawnSpec & {
  /** How long SIGTERM may take before SIGKILL (default `DEFAULT_KILL_GRACE_MS`). */
  killGraceMs?: number;
  atExit: ExitSettlement;
};

/** How an owned codex ended: reported once, when what it left is settled. */
export type ProcessEnd = {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what it wrote to stderr. */
  stderrTail: string;
  /** Whether a stop was asked (`kill()`) before the end was reported. */
  stopped: boolean;
};

/** What an owned codex reports to its owner. */
export type OwnedProcessHandlers = {
  /** codex could not start: called at once or (from Node's `error` event) later; nothing follows. */
  onSpawnFailure: (error: CodexNotFoundError | SpawnError) => void;
  /** codex has exited: called before what it left is settled. */
  onExit?: () => void;
  /** codex has ended: called once, after its exit is settled. */
  onEnd: (end: ProcessEnd) => void;
};

/** Stopped before its exit: what got SIGTERM, and the SIGKILL due after the grace. */
type Stopping = { name: "stopping"; doomed: number[]; sigkill: NodeJS.Timeout };
/** Exited, what it left being settled; a stop may still cut the wait for its output. */
type Settling = { name: "settling"; stopped: boolean; drain?: ExitDrain };
/** Where an owned codex is: each phase holds what only it needs. */
type Phase = { name: "running" } | Stopping | Settling | { name: "ended"; stopped: boolean };

/**
 * One codex process this host owns, for both transports: spawned in its own process group
 * (argv, never a shell), tracked (the sentinel kills it if the host dies), stopped on request
 * (SIGTERM to its group and tree, SIGKILL after the grace), its stderr tail kept, and its end
 * reported once its exit is settled (see `ExitSettlement`). An attempt's codex carries a mark
 * (`CODEX_ACTORS_ATTEMPT`) that all it starts inherits: those are killed with it.
 */
export class OwnedProcess {
  readonly stderr = new StderrTail();
  private phase: Phase = { name: "running" };
  /** Whether codex's tree was listed as it was about to exit (then its exit needs no table read). */
  private listedBeforeExit = false;
  private readonly mark: string | undefined;

  private constructor(
    readonly child: ChildProcess,
    private readonly spec: OwnedProcessSpec,
    private readonly handlers: OwnedProcessHandlers,
  ) {
    this.mark = spec.attemptId === undefined ? undefined : attemptMarkOf(spec.attemptId);
    child.stderr?.on("data", (chunk: Buffer) => this.stderr.push(chunk));
    if (child.pid !== undefined) trackGroup(child.pid, this.mark);
    // The exit is seen without waiting for the output to close: what codex left may hold it open.
    child.once("exit", (code, signal) => {
      if (child.pid !== undefined) void this.settle(child.pid, code, signal);
    });
  }

  /** Starts codex; null when it could not start (`onSpawnFailure` has been called). */
  static start(spec: OwnedProcessSpec, handlers: OwnedProcessHandlers): OwnedProcess | null {
    const child = spawnCodex(spec, handlers.onSpawnFailure);
    if (child instanceof Error) {
      handlers.onSpawnFailure(child);
      return null;
    }
    return new OwnedProcess(child, spec, handlers);
  }

  /** The pid, once codex has started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether codex has exited. */
  get exited(): boolean {
    return this.phase.name === "settling" || this.phase.name === "ended";
  }

  /** Whether a stop was asked. */
  get stopping(): boolean {
    const { phase } = this;
    return phase.name === "stopping" || (phase.name !== "running" && phase.stopped);
  }

  /** codex is about to exit (its turn ended): lists what it leaves while that traces back to it. */
  listTreeNow(): void {
    if (this.pid === undefined) return;
    lookNow(this.pid);
    this.listedBeforeExit = true;
  }

  /**
   * Stops codex: SIGTERM to its group, its tree and what carries its mark, SIGKILL to them after
   * the grace; after its exit, stops waiting for its output. False when there was nothing to do.
   */
  kill(): boolean {
    const { pid } = this;
    const phase = this.phase;
    if (pid === undefined || this.stopping || phase.name === "ended") return false;
    if (phase.name === "settling") {
      phase.stopped = true;
      phase.drain?.cut();
      return true;
    }
    const marked = this.mark === undefined ? [] : processesCarrying(this.mark);
    const stopping: Stopping = {
      name: "stopping",
      doomed: signalTree(pid, "SIGTERM", [...knownDescendants(pid), ...marked]),
      sigkill: setTimeout(
        () => (stopping.doomed = signalTree(pid, "SIGKILL", stopping.doomed)),
        this.spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      ),
    };
    this.phase = stopping;
    return true;
  }

  /** Whether codex and its handles keep the host alive. */
  holdHost(held: boolean): void {
    const { child } = this;
    for (const handle of [child, child.stdout, child.stderr, child.stdin] as const) {
      const ref = handle as unknown as { ref?: () => void; unref?: () => void } | null;
      if (held) ref?.ref?.();
      else ref?.unref?.();
    }
  }

  /** Settles codex's exit (see `ExitSettlement`), then reports its end. */
  private async settle(pid: number, code: number | null, signal: NodeJS.Signals | null) {
    const before = this.phase;
    const doomed = before.name === "stopping" ? before.doomed : [];
    if (before.name === "stopping") clearTimeout(before.sigkill);
    const settling: Settling = { name: "settling", stopped: before.name === "stopping" };
    this.phase = settling;
    this.handlers.onExit?.();
    if (this.spec.atExit === "reap") await this.reap(pid, doomed, settling);
    else {
      untrackGroup(pid);
      settling.drain = drainAfterExit([this.child.stderr], OUTPUT_DRAIN_MS);
      if (settling.stopped) settling.drain.cut();
      await settling.drain.ended;
    }
    this.phase = { name: "ended", stopped: settling.stopped };
    const { stopped } = settling;
    this.handlers.onEnd({ exitCode: code, signal, stderrTail: this.stderr.toString(), stopped });
  }

  /** Kills what codex left, drains its output for a bounded time, waits for the killed to go. */
  private async reap(pid: number, doomed: readonly number[], settling: Settling) {
    const { child } = this;
    const found = this.listedBeforeExit ? knownDescendants(pid) : leftoversOf(pid);
    const leftovers = new Set([...doomed, ...found]);
    let anyLeft = killLeftovers(pid, [...leftovers]);
    // What carries the attempt's mark, wherever it went (orphans the looks above missed).
    const marked = this.mark === undefined ? [] : killMarked(this.mark);
    for (const member of marked) leftovers.add(member);
    anyLeft ||= marked.length > 0;
    settling.drain = drainAfterExit([child.stdout, child.stderr], OUTPUT_DRAIN_MS);
    if (settling.stopped) settling.drain.cut();
    let holders: number[] | undefined;
    if (!(await settling.drain.ended)) {
      // Something still holds codex's output: look in its session and group for it too.
      holders = leftoversOf(pid).filter((member) => !leftovers.has(member));
      for (const holder of holders) leftovers.add(holder);
      anyLeft = killLeftovers(pid, holders) || anyLeft;
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    // Listed before the exit, what codex's group and tree hold is known (and was just killed
    // with the group): wait for those pids, one file each, not a whole process-table read (codex
    // leaves a zombie `git` in its group, so the group itself never looks empty here).
    const groups = this.listedBeforeExit && holders === undefined ? [] : [pid];
    if (anyLeft) await whenGone([...leftovers], groups, LEFTOVER_WAIT_MS);
    untrackGroup(pid);
  }
}
