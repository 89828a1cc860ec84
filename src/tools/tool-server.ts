import { randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as McpServer } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { ToolRoute } from "./tool-route.js";
/** What the server needs of a thread's route (`ToolRoute`, from the main bundle). */
export type ServedRoute = Pick<ToolRoute, "id" | "list" | "call">;

/** One MCP session: a codex process (exec) or thread (app-server) connected to one route. */
type Session = { routeId: string; transport: StreamableHTTPServerTransport };

const ROUTE_PATH = /^\/tools\/([A-Za-z0-9-]+)\/mcp$/;

/**
 * The loopback MCP server (streamable HTTP, `@modelcontextprotocol/sdk`) that serves one
 * `Codex`'s tools: each thread with tools has a route of its own (`/tools/<route>/mcp`) and sees
 * only its tools. Listens on 127.0.0.1 only; every request needs the bearer token, which codex
 * reads from its environment (never from argv).
 */
export class ToolServer {
  readonly #routes = new Map<string, ServedRoute>();
  readonly #sessions = new Map<string, Session>();
  readonly #token: string;
  #closing = false;
  /** Settles with why the server stopped serving when nobody closed it (an `error`, a close). */
  readonly broken: Promise<Error>;

  private constructor(
    private readonly http: Server,
    /** The server's origin, e.g. `http://127.0.0.1:41234`. */
    readonly origin: string,
    token: string,
  ) {
    this.#token = token;
    this.broken = new Promise<Error>((resolve) => {
      http.on("error", (error) => resolve(error));
      http.on("close", () => {
        if (!this.#closing) resolve(new Error("the tool server stopped listening"));
      });
    });
  }

  /** Starts a server on a free loopback port. */
  /**
   * Starts a server on `port` of 127.0.0.1 if it is free (a replaced server keeps its address:
   * codex's connections to it find it again), else on a free one. It asks for `token`, and does
   * not keep the host alive: the codex processes that use it do, while they run.
   */
  static async start(token: string, port = 0): Promise<ToolServer> {
    let handle: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
    const http = createServer((req, res) => handle(req, res));
    await listen(http, port).catch(() => listen(http, 0));
    http.unref();
    const { port: bound } = http.address() as AddressInfo;
    const server = new ToolServer(http, `http://127.0.0.1:${bound}`, token);
    handle = (req, res) => void server.handle(req, res);
    return server;
  }

  /** How many MCP sessions are open: one per codex process (exec) or thread (app-server). */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** The port it listens on. */
  get port(): number {
    return Number(new URL(this.origin).port);
  }

  /** The URL codex reaches `route`'s tools at. */
  urlOf(route: ServedRoute): string {
    return `${this.origin}/tools/${route.id}/mcp`;
  }

  /** Serves `route` until `removeRoute`. */
  addRoute(route: ServedRoute): void {
    this.#routes.set(route.id, route);
  }

  /** Stops serving `route`: its sessions are closed. */
  removeRoute(route: ServedRoute): void {
    this.#routes.delete(route.id);
    for (const [id, session] of this.#sessions)
      if (session.routeId === route.id) void this.closeSession(id, session);
  }

  /** Closes every session and the server; resolves once it no longer listens. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#sessions].map(([id, session]) => this.closeSession(id, session)));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** What serializing shows: that there is a server, not its token. */
  toJSON(): string {
    return `[tool server ${this.origin}]`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const routeId = ROUTE_PATH.exec((req.url ?? "").split("?")[0]!)?.[1];
      if (!this.authorized(req)) return refuse(res, 401, "a bearer token is required");
      const route = routeId === undefined ? undefined : this.#routes.get(routeId);
      if (!route) return refuse(res, 404, "no such tool route");
      const sessionId = req.headers["mcp-session-id"];
      if (typeof sessionId === "string") {
        const session = this.#sessions.get(sessionId);
        if (!session || session.routeId !== route.id)
          return refuse(res, 404, "no such MCP session");
        // Codex holds a GET stream open while it lives: its end (an exec attempt killed, an
        // app-server gone) ends the session, which it never DELETEs then.
        if (req.method === "GET")
          res.once("close", () => void this.closeSession(sessionId, session));
        return await session.transport.handleRequest(req, res);
      }
      await this.openSession(route).handleRequest(req, res);
    } catch {
      // A broken request (a client gone mid-body): answered if it still can be, never thrown.
      if (!res.headersSent) refuse(res, 400, "the request could not be read");
      else res.destroy();
    }
  }

  private authorized(req: IncomingMessage): boolean {
    const given = Buffer.from(req.headers.authorization ?? "");
    const expected = Buffer.from(`Bearer ${this.#token}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** A new MCP session on `route`: its own server, answering with the route's tools. */
  private openSession(route: ServedRoute): StreamableHTTPServerTransport {
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.#sessions.set(id, { routeId: route.id, transport });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.#sessions.delete(transport.sessionId);
    };
    const mcp = new McpServer(
      { name: "codex-actors-tools", version: "1" },
      { capabilities: { tools: {} } },
    );
    mcp.setRequestHandler(ListToolsRequestSchema, () => ({ tools: route.list() }));
    mcp.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      route.call(request.params.name, request.params.arguments, extra.signal),
    );
    void mcp.connect(transport);
    return transport;
  }

  private async closeSession(id: string, session: Session): Promise<void> {
    this.#sessions.delete(id);
    await session.transport.close().catch(() => undefined);
  }
}

/** Listens on `port` of 127.0.0.1; rejects if it cannot (the port is taken). */
function listen(http: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    http.once("error", failed);
    http.listen(port, "127.0.0.1", () => {
      http.off("error", failed);
      resolve();
    });
  });
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: message }));
}
