import { assign, enqueueActions, setup } from "xstate";
import { AppServerClosedError, AppServerCrashLoopError } from "../../types/app-server-errors.js";
import type { Clock } from "../../supervision/clock.js";
import { CodexConfigError, ShutdownError, type CodexError } from "../../types/errors.js";
import {
  serverProcessLogic,
  type ServerProcessEvent,
  type ServerProcessInput,
} from "./server-process.actor.js";

/** How often the server may end before it is suspended: the Codex's restart intensity. */
export type ServerIntensity = { maxRestarts: number; withinMs: number };

/** The server actor's input: how to start a process, and the restart intensity. */
export type ServerInput = ServerProcessInput & { intensity: ServerIntensity; clock: Clock };

/** Events the server actor takes: a turn's demand, its process's reports, the root's stop. */
export type ServerMachineEvent =
  { type: "server.demand" } | { type: "service.stop" } | ServerProcessEvent;

/** The server actor's context: what the snapshot shows of the server. */
export type ServerContext = {
  input: ServerInput;
  pid: number | null;
  /** Servers started after the first (each after an exit while turns still needed one). */
  restarts: number;
  starts: number;
  /** Why the last server ended, if one did. */
  lastExit: string | null;
  /** When the servers ended, within the intensity's period. */
  exitTimes: number[];
};

/** Why a server ended, in a few words (for `AppServerCrashLoopError`). */
const exitReason = (error: CodexError) => {
  if (error instanceof AppServerClosedError) return error.reason;
  if (error instanceof CodexConfigError)
    return `it refused its configuration, exit code ${error.exitCode}${error.refusal ? `: ${error.refusal}` : ""}`;
  return error.message;
};

/** The exit times within the period, counting one now. */
const exitTimesWithNow = (context: ServerContext) => {
  const now = context.input.clock.now();
  const { withinMs } = context.input.intensity;
  return [...context.exitTimes.filter((time) => now - time < withinMs), now];
};

const crashLoopError = (context: ServerContext) =>
  new AppServerCrashLoopError(
    context.exitTimes.length,
    context.input.intensity.withinMs,
    context.lastExit ?? "unknown",
    new Date(context.exitTimes.at(-1)! + context.input.intensity.withinMs),
  );

/**
 * The app-server of one `Codex`, as a supervised actor under its root: `idle` (no process) until a
 * turn asks for it, `starting` (spawned, handshake in flight), `ready`, back to `idle` when the
 * process ends — the next turn that needs it starts a new one (that is the restart; the turn that
 * lost the old one is restarted by its thread's policy) — and `stopped` (final) on shutdown.
 * A server that ends more than `maxRestarts` times within `withinMs` is `suspended`: turns asking
 * for it fail with `AppServerCrashLoopError` until `withinMs` after its last exit (no timer runs,
 * so a suspended server does not keep the host alive; the first turn after that starts one).
 */
export const createServerMachine = () =>
  setup({
    types: {
      input: {} as ServerInput,
      context: {} as ServerContext,
      events: {} as ServerMachineEvent,
    },
    actors: { process: serverProcessLogic },
    actions: {
      bindLink: ({ context, self }) =>
        context.input.link.bind(() => self.send({ type: "server.demand" })),
      // Turns that asked while the last server was ending get a new one.
      serveWaiting: enqueueActions(({ context, enqueue }) => {
        if (context.input.link.awaited) enqueue.raise({ type: "server.demand" });
      }),
      refuse: ({ context }) => context.input.link.detach(crashLoopError(context)),
      recordExit: assign({
        pid: null,
        lastExit: ({ event }) => (event.type === "server.exited" ? exitReason(event.error) : null),
        exitTimes: ({ context }) => exitTimesWithNow(context),
      }),
    },
    guards: {
      tooManyExits: ({ context }) =>
        exitTimesWithNow(context).length > context.input.intensity.maxRestarts,
      periodOver: ({ context }) =>
        context.input.clock.now() - context.exitTimes.at(-1)! >= context.input.intensity.withinMs,
    },
  }).createMachine({
    id: "appServer",
    context: ({ input }) => ({
      input,
      pid: null,
      restarts: 0,
      starts: 0,
      lastExit: null,
      exitTimes: [],
    }),
    entry: "bindLink",
    initial: "idle",
    on: { "service.stop": ".stopped" },
    states: {
      idle: {
        entry: "serveWaiting",
        on: { "server.demand": "running" },
      },
      running: {
        entry: assign({
          starts: ({ context }) => context.starts + 1,
          restarts: ({ context }) => context.restarts + (context.starts > 0 ? 1 : 0),
        }),
        invoke: { id: "process", src: "process", input: ({ context }) => context.input },
        initial: "starting",
        on: {
          "server.spawned": { actions: assign({ pid: ({ event }) => event.pid }) },
          "server.exited": [
            { guard: "tooManyExits", target: "suspended", actions: "recordExit" },
            { target: "idle", actions: "recordExit" },
          ],
        },
        states: {
          starting: { on: { "server.ready": "ready" } },
          ready: {},
        },
      },
      suspended: {
        entry: "refuse",
        on: {
          "server.demand": [
            { guard: "periodOver", target: "running", actions: assign({ exitTimes: [] }) },
            { actions: "refuse" },
          ],
        },
      },
      stopped: {
        type: "final",
        entry: ({ context }) =>
          context.input.link.close(
            new ShutdownError("The Codex shut down; its app-server is gone."),
          ),
      },
    },
  });
