import { createServer } from "node:http";
import { hasToken, newToken } from "../../devtools/token.js";
import { listenOnLoopback, replier, requestUrl } from "../../devtools/loopback-http.js";
import type { DevtoolsOptions, DevtoolsServer } from "../../devtools/types.js";
import type { QueueSnapshot } from "../queue-snapshot.js";
import { QUEUE_PAGE_SCRIPT, queuePageHtml } from "./queue-page-assets.js";

const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'";

/**
 * Serves the queue page of a distributed `Codex` on 127.0.0.1 only: its workers, running and
 * queued turns (with the worker holding each) and the latest ended ones, read with `snapshot`.
 * Every request must carry the server's random token (`?token=`), else 401; it is read-only.
 */
export async function startQueuePage(
  snapshot: () => Promise<QueueSnapshot>,
  options: DevtoolsOptions = {},
): Promise<DevtoolsServer> {
  const token = newToken();
  const server = createServer((request, response) => {
    const url = requestUrl(request);
    const reply = replier(response, CSP);
    if (!url) return reply(400, "json", '{"error":"a malformed request"}');
    if (!hasToken(url, token)) return reply(401, "json", '{"error":"a valid token is required"}');
    if (request.method !== "GET") return reply(405, "json", '{"error":"the page is read-only"}');
    if (url.pathname === "/") return reply(200, "html", queuePageHtml(token));
    if (url.pathname === "/queue.js") return reply(200, "js", QUEUE_PAGE_SCRIPT);
    if (url.pathname === "/api/queue")
      return void snapshot().then(
        (queue) => reply(200, "json", JSON.stringify(queue)),
        (error: unknown) =>
          reply(503, "json", JSON.stringify({ error: (error as Error)?.message ?? "unavailable" })),
      );
    return reply(404, "json", '{"error":"no such page"}');
  });
  const port = await listenOnLoopback(server, options.port); // unref'd: it keeps nothing alive
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
