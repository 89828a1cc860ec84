import { fromCallback, fromPromise } from "xstate";
import type { CodexTools } from "../tools/codex-tools.js";
import { startToolServer } from "../tools/start-tool-server.js";
import type { ToolServer } from "../tools/tool-server.js";

/** Starts a tool server; rejects `ToolServerError` when it cannot. */
export const startToolServerLogic = fromPromise<ToolServer, { tools: CodexTools }>(({ input }) =>
  startToolServer(input.tools.token, input.tools.port),
);

/** What the serving actor reports when its server stopped serving without being closed. */
export type ToolServerBroken = { type: "tools.broken"; reason: string };

/**
 * Holds the running server while it serves: reports `tools.broken` if it stops serving on its
 * own, and retires it (closes it, every session first) when it stops — whatever stops it: the
 * root's shutdown, a restart, or the root's own failure.
 */
export const serveToolServerLogic = fromCallback<{ type: string }, { tools: CodexTools }>(
  ({ input, sendBack }) => {
    const server = input.tools.server;
    let serving = true;
    void server?.broken.then((error) => {
      if (serving)
        sendBack({ type: "tools.broken", reason: error.message } satisfies ToolServerBroken);
    });
    return () => {
      serving = false;
      input.tools.retire();
    };
  },
);
