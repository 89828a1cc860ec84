import { ToolServerError } from "../types/errors.js";
import type { ToolServer } from "./tool-server.js";

/**
 * Loads the tool server (a file of its own: `@modelcontextprotocol/sdk` is an optional peer) and
 * starts one; rejects `ToolServerError` saying what to do when the package is missing or the
 * server cannot listen.
 */
export async function startToolServer(token: string, port?: number): Promise<ToolServer> {
  let loaded: typeof import("./tool-server.js");
  try {
    loaded = await import("./tool-server.js");
  } catch (cause) {
    if (!isMissingPackage(cause))
      throw new ToolServerError(`its module failed to load (${messageOf(cause)})`, { cause });
    throw new ToolServerError(
      "it needs the package @modelcontextprotocol/sdk (an optional peer dependency): " +
        "install it with `npm install @modelcontextprotocol/sdk`",
      { cause },
    );
  }
  try {
    return await loaded.ToolServer.start(token, port);
  } catch (cause) {
    throw new ToolServerError(`listening on 127.0.0.1 failed (${messageOf(cause)})`, {
      cause,
    });
  }
}

/** Whether a failed import says a package (the optional peer) is not installed. */
function isMissingPackage(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
