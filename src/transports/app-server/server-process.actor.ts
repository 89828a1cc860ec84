import type { ChildProcess } from "node:child_process";
import { fromCallback } from "xstate";
import { signalTree, trackGroup, untrackGroup } from "../../process/process-group.js";
import { drainAfterExit } from "../../process/exit-drain.js";
import { StderrTail } from "../../process/stderr-tail.js";
import type { ChildEnvSource } from "../../process/child-env.js";
import type { CodexBinary } from "../../process/codex-binary.js";
import { spawnCodex } from "../../process/spawn-codex.js";
import { AppServerClosedError, AppServerStartTimeoutError } from "../../types/app-server-errors.js";
import { CodexConfigError, CodexError } from "../../types/errors.js";
import { answersWithin } from "./liveness-check.js";
import { initialize } from "./methods.js";
import { RpcConnection } from "./rpc-connection.js";
import type { AppServerLink, ServerSession } from "./server-link.js";

/** What the server process actor needs to start `codex app-server`. */
export type ServerProcessInput = {
  link: AppServerLink;
  /** The binary; throws `CodexNotFoundError` when there is none. */
  binary: () => CodexBinary;
  /** `--config` flags of the `Codex`, before the subcommand. */
  globalFlags: readonly string[];
  envSource: ChildEnvSource;
  killGraceMs?: number;
  /** How long the server may take to answer `initialize` (default 20 000 ms). */
  startTimeoutMs?: number;
};

/** What the server process actor reports to the server machine. */
export type ServerProcessEvent =
  | { type: "server.spawned"; pid: number }
  | { type: "server.ready" }
  | { type: "server.exited"; error: CodexError };

const DEFAULT_KILL_GRACE_MS = 2_000;
/** codex 0.169 answers in well under a second; 20 s leaves room for a loaded machine. */
export const DEFAULT_SERVER_START_TIMEOUT_MS = 20_000;
/** How long, after an exit before the handshake, its stderr may take to end. */
const STDERR_DRAIN_MS = 500;
const CLIENT_INFO = { name: "codex-actors", title: "codex-actors", version: "0" };

/**
 * One `codex app-server` process as an actor: spawned in its own process group (argv, never a
 * shell; the key only in its env), the JSON-RPC handshake made, then its session attached to the
 * link for turns to use. It keeps the host alive only while a turn holds the link. When it exits
 * (or cannot start) it is taken from the link: turns waiting for a server that could not start
 * reject with a typed error, those waiting after a running one ended wait for the next, so no
 * request and no waiting turn hangs. A server that does not answer `initialize` within
 * `startTimeoutMs` (at start, or when a turn that missed a deadline has it checked), or whose
 * connection closes or stops being JSON-RPC, is taken from the link at once (never handed to a
 * turn again), ended and reported with that error. Stopping the actor ends the whole group
 * (SIGTERM, then SIGKILL after the grace).
 */
export const serverProcessLogic = fromCallback<
  { type: "server.stop" },
  ServerProcessInput,
  ServerProcessEvent
>(({ input, sendBack }) => {
  const { link } = input;
  let binary: CodexBinary;
  try {
    binary = input.binary();
  } catch (error) {
    link.detach(error as CodexError);
    sendBack({ type: "server.exited", error: error as CodexError });
    return () => undefined;
  }
  const spawned = spawnCodex(
    {
      executablePath: binary.executablePath,
      argv: [...input.globalFlags, "app-server"],
      envSource: input.envSource,
      pathDirs: binary.pathDirs,
    },
    (error) => {
      link.detach(error);
      sendBack({ type: "server.exited", error });
    },
  );
  if (spawned instanceof CodexError) {
    link.detach(spawned);
    sendBack({ type: "server.exited", error: spawned });
    return () => undefined;
  }
  const child: ChildProcess = spawned;
  const stderr = new StderrTail();
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  const pid = child.pid;
  link.trackProcess(
    new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    }),
  );
  let exited = false;
  let ready = false;
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;
  /** Why we end the server ourselves (no handshake, garbage), reported when it has exited. */
  let failure: CodexError | undefined;
  const connection = new RpcConnection({ input: child.stdout!, output: child.stdin! });
  const end = () => {
    if (pid === undefined || exited) return;
    signalTree(pid, "SIGTERM");
    killTimer ??= setTimeout(
      () => signalTree(pid, "SIGKILL"),
      input.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    );
  };
  /** Takes the server from the turns: those waiting get the next one (or why none started). */
  const letGo = (error: CodexError) => (ready ? link.withdraw() : link.detach(error));
  const fail = (error: CodexError) => {
    if (exited || failure) return;
    failure = error;
    letGo(error);
    connection.close(error.message);
    end();
  };
  const checks = new AbortController();
  const check = (session: ServerSession, boundMs: number) => {
    void answersWithin(connection, CLIENT_INFO, boundMs, checks.signal).then((answered) => {
      if (exited || failure || checks.signal.aborted) return;
      if (answered) link.attach(session, () => check(session, boundMs));
      else
        fail(
          new AppServerClosedError(
            `it stopped answering: a check got no answer within ${boundMs} ms`,
          ),
        );
    });
  };

  const setHeld = (held: boolean) => {
    for (const handle of [child, child.stdout, child.stderr, child.stdin] as const) {
      const ref = handle as unknown as { ref?: () => void; unref?: () => void } | null;
      if (held) ref?.ref?.();
      else ref?.unref?.();
    }
  };
  const stopListening = link.onHeldChange(setHeld);
  setHeld(link.held || link.awaited);

  if (pid !== undefined) {
    trackGroup(pid);
    sendBack({ type: "server.spawned", pid });
    const startTimeoutMs = input.startTimeoutMs ?? DEFAULT_SERVER_START_TIMEOUT_MS;
    const startTimer = setTimeout(
      () => fail(new AppServerStartTimeoutError(startTimeoutMs, stderr.toString().trim())),
      startTimeoutMs,
    );
    startTimer.unref();
    // A connection that closed (stdout closed, a line that is not JSON-RPC) leaves a process
    // that may run on but serves no turn: it is ended, and replaced when a turn needs a server.
    // Before the handshake, a closed stdout waits for the exit, which says why (a refused
    // configuration), or for the start timeout.
    connection.onClosed((error) => {
      if (!stopped && (ready || error.kind !== "app_server_closed")) fail(error);
    });
    initialize(connection, CLIENT_INFO).then(
      () => {
        clearTimeout(startTimer);
        if (exited || failure) return;
        ready = true;
        const session = { connection, pid };
        link.attach(session, () => check(session, startTimeoutMs));
        setHeld(link.held);
        sendBack({ type: "server.ready" });
      },
      () => clearTimeout(startTimer), // The exit (or the closed connection) says why.
    );
  }

  const report = (code: number | null, signal: NodeJS.Signals | null, refused: boolean) => {
    const reason = signal ? `it was killed by ${signal}` : `it exited with code ${code}`;
    const tail = stderr.toString().trim();
    const closed = new AppServerClosedError(tail ? `${reason}; stderr: ${tail}` : reason);
    connection.close(closed.reason);
    const error = failure ?? (refused ? new CodexConfigError(code, tail) : closed);
    // After our own failure (no handshake, garbage, no answer) the link was let go already.
    if (!failure) letGo(error);
    if (!stopped) sendBack({ type: "server.exited", error });
  };
  child.once("exit", (code, signal) => {
    exited = true;
    clearTimeout(killTimer);
    checks.abort();
    stopListening();
    if (pid !== undefined) untrackGroup(pid);
    // An error exit before the handshake is the binary refusing its configuration, as on exec;
    // the line saying so may still be in the pipe.
    const refused = !ready && !failure && !signal && code !== 0;
    const drained = refused ? drainAfterExit([child.stderr], STDERR_DRAIN_MS).ended : undefined;
    void Promise.resolve(drained).then(() => report(code, signal, refused));
  });

  return () => {
    stopped = true;
    checks.abort();
    stopListening();
    if (pid === undefined || exited) return;
    connection.close("the server is shutting down");
    end();
  };
});
