import type { ServerResponse } from "node:http";

/**
 * How far a page may fall behind: the most written to its stream since its socket last took
 * everything (1 MiB). Past it the page is dropped, so a page that stops reading costs the host
 * at most this, not every record sent since.
 */
const PAGE_BACKLOG_LIMIT = 1 << 20;
/** A comment line on idle streams, so proxies and browsers keep them open. */
const HEARTBEAT_MS = 15_000;

/**
 * One page's server-sent event stream. A page that stops reading (a frozen tab, a client that
 * never reads) is dropped once it falls `PAGE_BACKLOG_LIMIT` behind: its connection is closed and
 * what was queued for it freed. A browser's `EventSource` then reconnects by itself and starts
 * again from a fresh `hello`.
 */
export class PageStream {
  /** Bytes written since the socket last drained (0 while the page keeps up). */
  private behind = 0;
  private readonly heartbeat: NodeJS.Timeout;

  /** Starts the stream on `response`; `onClose` is called once it ends, however it ends. */
  constructor(
    private readonly response: ServerResponse,
    onClose: () => void,
  ) {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    this.heartbeat = setInterval(() => this.write(": still here\n\n"), HEARTBEAT_MS).unref();
    response.once("close", () => {
      clearInterval(this.heartbeat);
      onClose();
    });
  }

  /** Sends one message, or drops the page if it has fallen too far behind. */
  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the stream (the server closes). */
  end(): void {
    this.response.end();
  }

  private write(text: string): void {
    if (this.response.destroyed) return;
    if (!this.response.writableNeedDrain) this.behind = 0;
    else if ((this.behind += Buffer.byteLength(text)) > PAGE_BACKLOG_LIMIT) {
      this.response.destroy();
      return;
    }
    this.response.write(text);
  }
}
