import { ToolServerError } from "../types/errors.js";
import type { ToolServer } from "./tool-server.js";

/**
 * Loads the tool server (a file of its own: `@modelcontextprotocol/sdk` is an optional peer) and
 * starts one; rejects `ToolServerError` saying what to do when the package is missing or the
 * server cannot listen.
 */
export async function startToolServer(): Promise<ToolServer> {
  let loaded: typeof import("./tool-server.js");
  try {
    loaded = await import("./tool-server.js");
  } catch (cause) {
    throw new ToolServerError(
      "it needs the package @modelcontextprotocol/sdk (an optional peer dependency): " +
        "install it with `npm install @modelcontextprotocol/sdk`",
      { cause },
    );
  }
  try {
    return await loaded.ToolServer.start();
  } catch (cause) {
    throw new ToolServerError(`listening on 127.0.0.1 failed (${(cause as Error).message})`, {
      cause,
    });
  }
}
