import { assign, setup } from "xstate";
import { ShutdownError } from "../../types/errors.js";
import {
  serverProcessLogic,
  type ServerProcessEvent,
  type ServerProcessInput,
} from "./server-process.actor.js";

/** Events the server actor takes: a turn's demand, its process's reports, the root's stop. */
export type ServerMachineEvent =
  { type: "server.demand" } | { type: "service.stop" } | ServerProcessEvent;

/** The server actor's context: what the snapshot shows of the server. */
export type ServerContext = {
  input: ServerProcessInput;
  pid: number | null;
  /** Servers started after the first (each after an exit while turns still needed one). */
  restarts: number;
  starts: number;
  /** Why the last server ended, if one did. */
  lastExit: string | null;
};

/**
 * The app-server of one `Codex`, as a supervised actor under its root: `idle` (no process) until a
 * turn asks for it, `starting` (spawned, handshake in flight), `ready`, back to `idle` when the
 * process ends — the next turn that needs it starts a new one (that is the restart; the turn that
 * lost the old one is restarted by its thread's policy) — and `stopped` (final) on shutdown.
 */
export const serverMachine = setup({
  types: {
    input: {} as ServerProcessInput,
    context: {} as ServerContext,
    events: {} as ServerMachineEvent,
  },
  actors: { process: serverProcessLogic },
  actions: {
    bindLink: ({ context, self }) =>
      context.input.link.bind(() => self.send({ type: "server.demand" })),
  },
}).createMachine({
  id: "appServer",
  context: ({ input }) => ({ input, pid: null, restarts: 0, starts: 0, lastExit: null }),
  entry: "bindLink",
  initial: "idle",
  on: { "service.stop": ".stopped" },
  states: {
    idle: {
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
        "server.exited": {
          target: "idle",
          actions: assign({ pid: null, lastExit: ({ event }) => event.error.message }),
        },
      },
      states: {
        starting: { on: { "server.ready": "ready" } },
        ready: {},
      },
    },
    stopped: {
      type: "final",
      entry: ({ context }) =>
        context.input.link.close(new ShutdownError("The Codex shut down; its app-server is gone.")),
    },
  },
});
