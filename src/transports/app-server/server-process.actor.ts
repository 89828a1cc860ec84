import { execa } from "execa";
import { fromCallback } from "xstate";
import { signalTree, trackGroup, untrackGroup } from "../../actors/process-group.js";
import { StderrTail } from "../../actors/stderr-tail.js";
import type { ChildEnvSource } from "../../cli/child-env.js";
import type { CodexBinary } from "../../cli/codex-binary.js";
import { AppServerClosedError } from "../../types/app-server-errors.js";
import { spawnFailure } from "../../cli/spawn-failure.js";
import type { CodexError } from "../../types/errors.js";
import { initialize } from "./methods.js";
import { RpcConnection } from "./rpc-connection.js";
import type { AppServerLink } from "./server-link.js";

/** What the server process actor needs to start `codex app-server`. */
export type ServerProcessInput = {
  link: AppServerLink;
  /** The binary; throws `CodexNotFoundError` when there is none. */
  binary: () => CodexBinary;
  /** `--config` flags of the `Codex`, before the subcommand. */
  globalFlags: readonly string[];
  envSource: ChildEnvSource;
  killGraceMs?: number;
};

/** What the server process actor reports to the server machine. */
export type ServerProcessEvent =
  | { type: "server.spawned"; pid: number }
  | { type: "server.ready" }
  | { type: "server.exited"; error: CodexError };

const DEFAULT_KILL_GRACE_MS = 2_000;
const CLIENT_INFO = { name: "codex-actors", title: "codex-actors", version: "0" };

/**
 * One `codex app-server` process as an actor: spawned in its own process group (argv, never a
 * shell; the key only in its env), the JSON-RPC handshake made, then its session attached to the
 * link for turns to use. It keeps the host alive only while a turn holds the link. When it exits
 * (or cannot start) the link is detached with a typed error, so no request and no waiting turn
 * hangs; stopping the actor ends the whole group (SIGTERM, then SIGKILL after the grace).
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
  const child = execa(binary.executablePath, [...input.globalFlags, "app-server"], {
    env: input.envSource.build(binary.pathDirs),
    extendEnv: false,
    buffer: false,
    reject: false,
    detached: process.platform !== "win32",
    cleanup: false,
    windowsHide: true,
  });
  const stderr = new StderrTail();
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  const pid = child.pid;
  link.trackProcess(
    new Promise((resolve) => {
      child.once("exit", () => resolve());
      void child.then(() => resolve());
    }),
  );
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  const connection = new RpcConnection({ input: child.stdout!, output: child.stdin! });

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
    initialize(connection, CLIENT_INFO).then(
      () => {
        if (exited) return;
        link.attach({ connection, pid });
        setHeld(link.held);
        sendBack({ type: "server.ready" });
      },
      () => undefined, // The exit (or the closed connection) says why.
    );
  }

  child.once("exit", (code, signal) => {
    exited = true;
    clearTimeout(killTimer);
    stopListening();
    if (pid !== undefined) untrackGroup(pid);
    const reason = signal ? `it was killed by ${signal}` : `it exited with code ${code}`;
    const tail = stderr.toString().trim();
    const error = new AppServerClosedError(tail ? `${reason}; stderr: ${tail}` : reason);
    connection.close(error.reason);
    link.detach(error);
    sendBack({ type: "server.exited", error });
  });
  void child.then((result) => {
    if (pid !== undefined) return;
    const error = spawnFailure(binary.executablePath, result);
    link.detach(error);
    sendBack({ type: "server.exited", error });
  });

  return () => {
    stopListening();
    if (pid === undefined || exited) return;
    connection.close("the server is shutting down");
    signalTree(pid, "SIGTERM");
    killTimer = setTimeout(
      () => signalTree(pid, "SIGKILL"),
      input.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    );
  };
});
