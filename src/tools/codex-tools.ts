import type { ChildEnvSource } from "../process/child-env.js";
import { InvalidOptionError, ToolServerError } from "../types/errors.js";
import type { ThreadOptions } from "../types/options.js";
import type { CodexTool } from "../types/tools.js";
import { argumentChecks } from "./define-tool.js";
import type { ToolServer } from "./tool-server.js";
import { ToolRoute } from "./tool-route.js";

/** The name codex knows the tool server by: the model calls its tools in `mcp__host`. */
export const TOOL_SERVER_NAME = "host";

/** The variable of codex's environment that holds the tool server's token. */
const TOKEN_VAR = "CODEX_ACTORS_TOOLS_TOKEN";

/**
 * One `Codex`'s tools: the routes of its threads that have some, and the loopback MCP server
 * that serves them, started with the first turn of the first such thread (loaded then:
 * `@modelcontextprotocol/sdk` is an optional peer) and closed by `close()`.
 */
export class CodexTools {
  #server?: Promise<ToolServer>;
  readonly #routes = new Set<ToolRoute>();

  constructor(
    private readonly codexTools: readonly CodexTool[],
    private readonly envSource: ChildEnvSource,
  ) {}

  /** The route of a thread with these options, or null when it has no tools. */
  routeFor(thread: ThreadOptions): ToolRoute | null {
    const tools = [...this.codexTools, ...(thread.tools ?? [])];
    if (tools.length === 0) return null;
    const route = new ToolRoute(tools);
    this.#routes.add(route);
    return route;
  }

  /**
   * Serves `route` (starting the server if needed): what its codex must be told, read at each
   * attempt. Rejects `ToolServerError` when the server cannot start.
   */
  async serve(route: ToolRoute): Promise<void> {
    const server = await this.server();
    server.addRoute(route);
    route.config = {
      [`mcp_servers.${TOOL_SERVER_NAME}.url`]: server.urlOf(route),
      [`mcp_servers.${TOOL_SERVER_NAME}.bearer_token_env_var`]: TOKEN_VAR,
      // Declared in code, by the program that runs the agent: its calls need no approval.
      [`mcp_servers.${TOOL_SERVER_NAME}.default_tools_approval_mode`]: "approve",
      // Codex waits for the server before the turn's first request (else ~1 s, then no tools).
      [`mcp_servers.${TOOL_SERVER_NAME}.required`]: true,
      ...Object.fromEntries(
        route.tools
          .filter((each) => each.needsApproval)
          .map((each) => [
            `mcp_servers.${TOOL_SERVER_NAME}.tools.${each.name}.approval_mode`,
            "prompt",
          ]),
      ),
    };
  }

  /** Stops serving `route` (its thread is gone); its running calls are aborted. */
  release(route: ToolRoute): void {
    route.close();
    this.#routes.delete(route);
    void this.#server?.then(
      (server) => server.removeRoute(route),
      () => undefined,
    );
  }

  /** Aborts every running call and closes the server, if it started. */
  async close(): Promise<void> {
    for (const route of this.#routes) route.close();
    const server = await this.#server?.catch(() => undefined);
    this.#server = undefined;
    await server?.close();
  }

  private server(): Promise<ToolServer> {
    this.#server ??= startServer().then((server) => {
      this.envSource.add(TOKEN_VAR, server.token);
      return server;
    });
    // A failed start is not kept: the next turn tries again.
    return this.#server.catch((error: unknown) => {
      this.#server = undefined;
      throw error;
    });
  }
}

/** Checks `tools` (an option of a Codex or a thread): each made by `tool()`, names distinct. */
export function checkTools(option: string, tools: unknown): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools)) throw new InvalidOptionError(option, "expected an array of tools");
  const names = new Set<string>();
  for (const candidate of tools as CodexTool[]) {
    if (!argumentChecks.has(candidate))
      throw new InvalidOptionError(option, "expected tools made by tool() from codex-actors");
    if (names.has(candidate.name))
      throw new InvalidOptionError(option, `two tools are named ${candidate.name}`);
    names.add(candidate.name);
  }
}

async function startServer(): Promise<ToolServer> {
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
