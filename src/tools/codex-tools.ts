import { randomBytes } from "node:crypto";
import type { ChildEnvSource } from "../process/child-env.js";
import { InvalidOptionError, type CodexError } from "../types/errors.js";
import type { ThreadOptions } from "../types/options.js";
import type { CodexTool } from "../types/tools.js";
import { argumentChecks } from "./define-tool.js";
import type { ToolServer } from "./tool-server.js";
import { ToolRoute } from "./tool-route.js";

/** The name codex knows the tool server by: the model calls its tools in `mcp__host`. */
export const TOOL_SERVER_NAME = "host";

/** The variable of codex's environment that holds the tool server's token. */
const TOKEN_VAR = "CODEX_ACTORS_TOOLS_TOKEN";

type Waiter = { resolve: () => void; reject: (error: CodexError) => void };

/**
 * One `Codex`'s tools, where its turns meet the tool server actor (out of actor state: JSON
 * shows nothing of it): the routes of its threads that have tools, and the server that serves
 * them. A turn of a thread with tools `serve`s its route, which asks the actor to start a server
 * when there is none; the actor attaches each server it starts (every route is served on it),
 * retires it when it stops serving, and closes the link at shutdown.
 */
export class CodexTools {
  readonly #routes = new Set<ToolRoute>();
  #server: ToolServer | null = null;
  #waiters: Waiter[] = [];
  #demand: (() => void) | null = null;
  #closed: CodexError | null = null;
  /** The servers being closed. */
  readonly #closing = new Set<Promise<void>>();
  /** The port of the last server: a replaced server listens there again if it can. */
  #port = 0;
  /** The bearer token of this Codex's servers (random; in codex's environment, never argv). */
  readonly #token = randomBytes(32).toString("base64url");

  /**
   * `envSource` gets the token with the first route, or now when `early` (a transport whose
   * process serves every thread, started before the first thread with tools, needs it from its
   * start); a Codex that never has tools gives its processes no token. `hiddenFrom` is the
   * Codex's own `shell_environment_policy.exclude`, which the tool threads' config extends.
   */
  constructor(
    private readonly codexTools: readonly CodexTool[],
    private readonly envSource: ChildEnvSource,
    early: boolean,
    private readonly hiddenFrom: readonly string[] = [],
  ) {
    if (early || codexTools.length > 0) envSource.add(TOKEN_VAR, this.#token);
  }

  /** The bearer token every request must carry. */
  get token(): string {
    return this.#token;
  }

  /** The port to start a server on (the last one's; 0 for any free one). */
  get port(): number {
    return this.#port;
  }

  /** The route of a thread with these options, or null when it has no tools. */
  routeFor(thread: ThreadOptions): ToolRoute | null {
    const tools = [...this.codexTools, ...(thread.tools ?? [])];
    if (tools.length === 0) return null;
    this.envSource.add(TOKEN_VAR, this.#token);
    const route = new ToolRoute(tools);
    this.#routes.add(route);
    return route;
  }

  /**
   * Serves `route` on the running server, started on demand: then `route.config` says where
   * codex reaches it. Rejects with the server's failure to start (`ToolServerError`), or
   * `ShutdownError` once the Codex shut down.
   */
  serve(route: ToolRoute): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#server) {
      this.serveOn(this.#server, route);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#demand?.();
    });
  }

  /** Stops serving `route` (its thread is gone); its running calls are aborted. */
  release(route: ToolRoute): void {
    route.close();
    this.#routes.delete(route);
    this.#server?.removeRoute(route);
  }

  /** Called by the tool server actor: how to ask it for a server. */
  bind(demand: () => void): void {
    this.#demand = demand;
  }

  /** Whether a turn waits for a server. */
  get awaited(): boolean {
    return this.#waiters.length > 0;
  }

  /** The running server, if any (the actor closes it). */
  get server(): ToolServer | null {
    return this.#server;
  }

  /** Called by the actor with a server it started: every route is served on it. */
  attach(server: ToolServer): void {
    this.#server = server;
    this.#port = server.port;
    for (const route of this.#routes) this.serveOn(server, route);
    this.settleWaiters(null);
  }

  /** Called by the actor when a server failed to start: the turns waiting for one fail. */
  failWaiting(error: CodexError): void {
    this.settleWaiters(error);
  }

  /**
   * Called by the actor when it lets a server go (by default the attached one): closed, sessions
   * first, in the background (`whenNoServer` waits for it).
   */
  retire(server: ToolServer | null = this.#server): void {
    if (server === this.#server) this.#server = null;
    if (!server) return;
    const closing = server.close().catch(() => undefined);
    this.#closing.add(closing);
    void closing.then(() => this.#closing.delete(closing));
  }

  /** Resolves once no server of these tools is open or closing. */
  async whenNoServer(): Promise<void> {
    while (this.#closing.size > 0) await Promise.all(this.#closing);
  }

  /** Called by the actor as it stops: no server will come; running calls are aborted. */
  close(error: CodexError): void {
    this.#closed = error;
    for (const route of this.#routes) route.close();
    this.settleWaiters(error);
  }

  /** What serializing shows: that there are tools, not the server or its token. */
  toJSON(): string {
    return "[codex tools]";
  }

  /** Serves `route` on `server`, and tells it where codex reaches it there. */
  private serveOn(server: ToolServer, route: ToolRoute): void {
    server.addRoute(route);
    route.config = {
      ...configOf(server, route),
      // The agent's commands inherit codex's environment: the token is kept out of theirs.
      "shell_environment_policy.exclude": [...this.hiddenFrom, TOKEN_VAR],
    };
  }

  private settleWaiters(error: CodexError | null): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters)
      if (error) waiter.reject(error);
      else waiter.resolve();
  }
}

/** What codex is told to reach `route` on `server` (`mcp_servers.host.*`). */
function configOf(server: ToolServer, route: ToolRoute): Record<string, string | boolean> {
  const key = (name: string) => `mcp_servers.${TOOL_SERVER_NAME}.${name}`;
  return {
    [key("url")]: server.urlOf(route),
    [key("bearer_token_env_var")]: TOKEN_VAR,
    // Declared in code, by the program that runs the agent: its calls need no approval…
    [key("default_tools_approval_mode")]: "approve",
    // … but those it marks `needsApproval`.
    ...Object.fromEntries(
      route.tools
        .filter((each) => each.needsApproval)
        .map((each) => [key(`tools.${each.name}.approval_mode`), "prompt"]),
    ),
    // Codex waits for the server before the turn's first request (else ~1 s, then no tools).
    [key("required")]: true,
  };
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
