import { createServer, type ServerResponse } from "node:http";
import type { CodexActorRef } from "../machines/codex.machine.js";
import { ThreadHistories, type HistoryUpdate } from "./history.js";
import { turnNumberOf } from "../machines/thread-views.js";
import { pageFile, pageHtml, type PageFile } from "./page-asset.js";
import { PageStream } from "./page-stream.js";
import { hasToken, newToken } from "./token.js";
import { listenOnLoopback, replier, requestUrl } from "./loopback-http.js";
import { TreeReader, type TreeView } from "./tree-view.js";
import type { DevtoolsOptions, DevtoolsServer } from "./types.js";

/** How often the tree is read while a page is connected (a change is sent at once). */
const TREE_POLL_MS = 200;

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:";

/**
 * Serves the devtools page of the Codex whose root actor is `root`, on 127.0.0.1 only. Every
 * request must carry the server's random token (`?token=`), else 401; nothing it serves changes
 * anything. The live view is one server-sent event stream per page: `hello` (the tree, the
 * charts of its machines, the history kept), then `tree` on each change and `record` per message;
 * a page that falls too far behind is dropped (see `PageStream`).
 */
export async function startDevtoolsServer(
  root: CodexActorRef,
  options: DevtoolsOptions = {},
): Promise<DevtoolsServer> {
  const token = newToken();
  const reader = new TreeReader(root);
  const belongs = (key: string) => key in root.getSnapshot().children;
  const histories = new ThreadHistories(belongs, (key) => turnNumberOf(root, key));
  const streams = new Set<PageStream>();
  let last: { json: string; charts: number } = { json: "", charts: 0 };
  let poll: NodeJS.Timeout | undefined;

  const broadcast = (event: string, data: unknown) => {
    for (const stream of streams) stream.send(event, data);
  };
  const treeMessage = (tree: TreeView) => ({ tree, charts: Object.fromEntries(reader.charts) });

  const readTree = () => {
    const tree = reader.read();
    const json = JSON.stringify({ ...tree, at: 0 });
    if (json === last.json && reader.charts.size === last.charts) return;
    last = { json, charts: reader.charts.size };
    broadcast("tree", treeMessage(tree));
  };
  const onUpdate = (update: HistoryUpdate) =>
    "record" in update ? broadcast("record", update.record) : broadcast("live", update.appends);

  const openStream = (response: ServerResponse) => {
    const stream = new PageStream(response, () => {
      streams.delete(stream);
      if (streams.size === 0) {
        clearInterval(poll);
        poll = undefined;
      }
    });
    stream.send("hello", {
      ...treeMessage(reader.read()),
      history: histories.all(),
      live: histories.liveTexts(),
    });
    streams.add(stream);
    poll ??= setInterval(readTree, TREE_POLL_MS).unref();
  };

  const server = createServer((request, response) => {
    const url = requestUrl(request);
    const reply = replier(response, CSP);
    if (!url) return reply(400, "json", '{"error":"a malformed request"}');
    if (!hasToken(url, token)) return reply(401, "json", '{"error":"a valid token is required"}');
    if (request.method !== "GET") return reply(405, "json", '{"error":"the page is read-only"}');
    const files: Record<string, PageFile> = {
      "/page.js": "devtools-page.js",
      "/page.css": "devtools-page.css",
    };
    if (url.pathname === "/") return reply(200, "html", pageHtml(token));
    if (url.pathname in files) {
      const name = files[url.pathname]!;
      return reply(200, name.endsWith(".js") ? "js" : "css", pageFile(name));
    }
    if (url.pathname === "/api/tree")
      return reply(200, "json", JSON.stringify(treeMessage(reader.read())));
    if (url.pathname === "/api/stream") return openStream(response);
    return reply(404, "json", '{"error":"no such page"}');
  });

  // The page alone does not keep the process alive.
  const port = await listenOnLoopback(server, options.port);
  histories.start();
  const stopFeed = histories.listen(onUpdate);
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        clearInterval(poll);
        stopFeed();
        histories.stop();
        for (const stream of streams) stream.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
