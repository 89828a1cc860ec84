import { fromCallback } from "xstate";
import type { ChildEnvSource } from "../../process/child-env.js";
import type { CodexBinary } from "../../process/codex-binary.js";
import { OwnedProcess, type ProcessEnd } from "../../process/owned-process.js";
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

/** codex 0.169 answers in well under a second; 20 s leaves room for a loaded machine. */
export const DEFAULT_SERVER_START_TIMEOUT_MS = 20_000;
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
  const owned = OwnedProcess.start(
    {
      executablePath: binary.executablePath,
      argv: [...input.globalFlags, "app-server"],
      envSource: input.envSource,
      pathDirs: binary.pathDirs,
      killGraceMs: input.killGraceMs,
      atExit: "release",
    },
    {
      onSpawnFailure: (error) => {
        link.detach(error);
        sendBack({ type: "server.exited", error });
      },
      onExit: () => {
        checks.abort();
        stopListening();
      },
      onEnd: (end) => report(end),
    },
  );
  if (owned === null) return () => undefined;
  const { child, pid } = owned;
  link.trackProcess(
    new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    }),
  );
  let ready = false;
  let stopped = false;
  /** Why we end the server ourselves (no handshake, garbage), reported when it has exited. */
  let failure: CodexError | undefined;
  const connection = new RpcConnection({ input: child.stdout!, output: child.stdin! });
  /** Takes the server from the turns: those waiting get the next one (or why none started). */
  const letGo = (error: CodexError) => (ready ? link.withdraw() : link.detach(error));
  const fail = (error: CodexError) => {
    if (owned.exited || failure) return;
    failure = error;
    letGo(error);
    connection.close(error.message);
    owned.kill();
  };
  const checks = new AbortController();
  const check = (session: ServerSession, boundMs: number) => {
    void answersWithin(connection, CLIENT_INFO, boundMs, checks.signal).then((answered) => {
      if (owned.exited || failure || checks.signal.aborted) return;
      if (answered) link.attach(session, () => check(session, boundMs));
      else
        fail(
          new AppServerClosedError(
            `it stopped answering: a check got no answer within ${boundMs} ms`,
          ),
        );
    });
  };

  const setHeld = (held: boolean) => owned.holdHost(held);
  const stopListening = link.onHeldChange(setHeld);
  setHeld(link.held || link.awaited);

  if (pid !== undefined) {
    sendBack({ type: "server.spawned", pid });
    const startTimeoutMs = input.startTimeoutMs ?? DEFAULT_SERVER_START_TIMEOUT_MS;
    const startTimer = setTimeout(
      () => fail(new AppServerStartTimeoutError(startTimeoutMs, owned.stderr.toString().trim())),
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
        if (owned.exited || failure) return;
        ready = true;
        const session = { connection, pid };
        link.attach(session, () => check(session, startTimeoutMs));
        setHeld(link.held);
        sendBack({ type: "server.ready" });
      },
      () => clearTimeout(startTimer), // The exit (or the closed connection) says why.
    );
  }

  /** Says why the server ended: an error exit before the handshake is a refused configuration. */
  function report({ exitCode: code, signal, stderrTail }: ProcessEnd) {
    const refused = !ready && !failure && !signal && code !== 0;
    const reason = signal ? `it was killed by ${signal}` : `it exited with code ${code}`;
    const tail = stderrTail.trim();
    const closed = new AppServerClosedError(tail ? `${reason}; stderr: ${tail}` : reason);
    connection.close(closed.reason);
    const error = failure ?? (refused ? new CodexConfigError(code, tail) : closed);
    // After our own failure (no handshake, garbage, no answer) the link was let go already.
    if (!failure) letGo(error);
    if (!stopped) sendBack({ type: "server.exited", error });
  }

  return () => {
    stopped = true;
    checks.abort();
    stopListening();
    if (pid === undefined || owned.exited) return;
    connection.close("the server is shutting down");
    owned.kill();
  };
});
