import { assign, setup } from "xstate";
import {
  serveToolServerLogic,
  startToolServerLogic,
  type ToolServerBroken,
} from "../actors/tool-server.actor.js";
import type { CodexTools } from "../tools/codex-tools.js";
import { ShutdownError, ToolServerError } from "../types/errors.js";

/** How many times a server that stopped serving is replaced before the tools give up. */
export const TOOL_SERVER_MAX_RESTARTS = 5;

/** The tool server actor's context: what the snapshot shows of it. */
export type ToolServerContext = {
  tools: CodexTools;
  /** Servers asked for (started, or failed to start). */
  starts: number;
  /** Servers started after one stopped serving. */
  restarts: number;
  /** Why the last server stopped serving, or failed to start. */
  lastFailure: string | null;
  /** A stop came while a server was starting: it is closed once started. */
  stopAsked: boolean;
};

/** What the tool server actor takes: a demand from a turn, the root's stop. */
export type ToolServerEvent =
  { type: "tools.demand" } | { type: "service.stop" } | ToolServerBroken;

const failureOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The tool server of one `Codex`, under its root: idle until a turn of a thread with tools asks
 * for it, then started (a start that fails fails the turns waiting, and the next demand tries
 * again); a server that stops serving is replaced (at most `TOOL_SERVER_MAX_RESTARTS` times, then
 * the turns that need it fail); the root's `service.stop` closes it.
 */
export const toolServerMachine = setup({
  types: {
    input: {} as { tools: CodexTools },
    context: {} as ToolServerContext,
    events: {} as ToolServerEvent,
  },
  actors: { start: startToolServerLogic, serve: serveToolServerLogic },
  actions: {
    bindDemand: ({ context, self }) =>
      context.tools.bind(() => self.send({ type: "tools.demand" })),
    serveWaiting: ({ context, self }) => {
      if (context.tools.awaited) self.send({ type: "tools.demand" });
    },
    failWaiting: ({ context }, params: { error: unknown }) =>
      context.tools.failWaiting(
        params.error instanceof ToolServerError
          ? params.error
          : new ToolServerError(failureOf(params.error), { cause: params.error }),
      ),
    closeTools: ({ context }) => context.tools.close(new ShutdownError()),
    giveUp: ({ context }) =>
      context.tools.close(
        new ToolServerError(
          `it stopped serving ${TOOL_SERVER_MAX_RESTARTS + 1} times (last: ${context.lastFailure})`,
        ),
      ),
  },
  guards: {
    stopAsked: ({ context }) => context.stopAsked,
    mayRestart: ({ context }) => context.restarts < TOOL_SERVER_MAX_RESTARTS,
  },
}).createMachine({
  id: "tools",
  context: ({ input }) => ({
    tools: input.tools,
    starts: 0,
    restarts: 0,
    lastFailure: null,
    stopAsked: false,
  }),
  entry: ["bindDemand", "serveWaiting"],
  initial: "idle",
  states: {
    idle: {
      on: { "tools.demand": "starting", "service.stop": "stopped" },
    },
    starting: {
      entry: assign({ starts: ({ context }) => context.starts + 1 }),
      invoke: {
        src: "start",
        input: ({ context }) => ({ tools: context.tools }),
        onDone: [
          {
            guard: "stopAsked",
            target: "stopped",
            actions: ({ context, event }) => context.tools.retire(event.output),
          },
          {
            target: "serving",
            actions: ({ context, event }) => context.tools.attach(event.output),
          },
        ],
        onError: [
          { guard: "stopAsked", target: "stopped" },
          {
            target: "idle",
            actions: [
              assign({ lastFailure: ({ event }) => failureOf(event.error) }),
              { type: "failWaiting", params: ({ event }) => ({ error: event.error }) },
            ],
          },
        ],
      },
      on: { "service.stop": { actions: assign({ stopAsked: true }) } },
    },
    // Leaving this state, whatever the way, retires the server (the serving actor's cleanup).
    serving: {
      invoke: { src: "serve", input: ({ context }) => ({ tools: context.tools }) },
      on: {
        "tools.broken": [
          {
            guard: "mayRestart",
            target: "starting",
            actions: assign({
              restarts: ({ context }) => context.restarts + 1,
              lastFailure: ({ event }) => event.reason,
            }),
          },
          { target: "failed", actions: assign({ lastFailure: ({ event }) => event.reason }) },
        ],
        "service.stop": "stopped",
      },
    },
    failed: {
      entry: "giveUp",
      on: { "service.stop": "stopped" },
    },
    stopped: { entry: "closeTools", type: "final" },
  },
});
