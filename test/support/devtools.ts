import { get, type IncomingMessage } from "node:http";
import { readFileSync } from "node:fs";
import type { Codex, DevtoolsServer } from "../../src/index.js";
import { atTeardown } from "./rig-registry.js";

/** Opens `codex`'s devtools page server, closed after the test whatever its outcome. */
export async function openDevtools(
  codex: Pick<Codex, "devtools">,
  options: { port?: number } = {},
): Promise<DevtoolsServer> {
  const server = await codex.devtools(options);
  atTeardown("a devtools server", () => server.close());
  return server;
}

/** `url` with its `token` parameter replaced (or removed, for `null`) and `path` set. */
export function withToken(url: string, token: string | null, path = "/"): string {
  const next = new URL(path, url);
  if (token !== null) next.searchParams.set("token", token);
  return next.toString();
}

/** One server-sent event as received. */
export type StreamEvent = { event: string; data: unknown };

/** A live `/api/stream` reader: the events so far; closed after the test. */
export type StreamClient = { events: StreamEvent[]; response: IncomingMessage };

/** Connects to the page's event stream of the server at `url` (which holds the token). */
export async function streamClient(url: string): Promise<StreamClient> {
  const token = new URL(url).searchParams.get("token");
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    get(withToken(url, token, "/api/stream"), resolve).on("error", reject),
  );
  atTeardown("a devtools stream client", () => response.destroy());
  const events: StreamEvent[] = [];
  let buffer = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  });
  return { events, response };
}

/**
 * The local addresses listening on TCP `port`, from /proc/net/tcp and tcp6 (Linux): e.g.
 * `["127.0.0.1"]`, or `["0.0.0.0"]` / `["::"]` for a server open to the network.
 */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== "0A") continue;
      const [address, hexPort] = local.split(":") as [string, string];
      if (parseInt(hexPort, 16) !== port) continue;
      found.push(
        address.length === 8 ? ipv4(address) : address === "0".repeat(32) ? "::" : address,
      );
    }
  }
  return found;
}

/** /proc's little-endian hex IPv4 (`0100007F`) as dotted decimal. */
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map((at) => parseInt(hex.slice(at, at + 2), 16)).join(".");
}
