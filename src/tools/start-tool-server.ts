import { ToolServerError } from "../types/errors.js";
import type { ToolServer } from "./tool-server.js";

/**
 * Loads the tool server (a file of its own: `@modelcontextprotocol/sdk` is an optional peer) and
 * starts one with `token`, on `port` if it is free; rejects `ToolServerError` saying what to do
 * when the package is missing, or why the server could not start.
 */
export async function startToolServer(token: string, port?: number): Promise<ToolServer> {
  try {
    const { ToolServer } = await import("./tool-server.js");
    return await ToolServer.start(token, port);
  } catch (cause) {
    throw new ToolServerError(reasonOf(cause), { cause });
  }
}

function reasonOf(cause: unknown): string {
  const { code, message } = (cause ?? {}) as { code?: string; message?: string };
  const missing = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
  if (missing && String(message).includes("@modelcontextprotocol/sdk"))
    return (
      "it needs the package @modelcontextprotocol/sdk (an optional peer dependency): " +
      "install it with `npm install @modelcontextprotocol/sdk`"
    );
  return `${String(message ?? cause)}`;
}
