import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The content types the pages serve. */
export const CONTENT_TYPES = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
} as const;

/** A kind of content a page serves. */
export type ContentType = keyof typeof CONTENT_TYPES;

/**
 * How a page server answers on `response`: status, type and body, with the headers every answer
 * carries (no caching, no type sniffing, the page's content security policy `csp`).
 */
export function replier(response: ServerResponse, csp: string) {
  return (status: number, type: ContentType, body: string): void => {
    response.writeHead(status, {
      "content-type": CONTENT_TYPES[type],
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": csp,
    });
    response.end(body);
  };
}

/**
 * The request's URL, or undefined when its request line is no URL (`GET http://[`): a client on
 * the loopback must not be able to throw in the server's listener.
 */
export function requestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? "/", "http://127.0.0.1");
  } catch {
    return undefined;
  }
}

/**
 * Starts `server` on 127.0.0.1 only, on `port` (0: a free one), without it keeping the process
 * alive; resolves with the port.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.unref();
  return (server.address() as AddressInfo).port;
}
