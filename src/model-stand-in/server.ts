import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { deltaEvents } from "./deltas.js";
import type { StandInReply, StandInUsage } from "./replies.js";

/** One request the stand-in received, kept for assertions. */
export type RecordedRequest = {
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
};

/** Chooses the reply to a request once the script is used up. */
export type FallbackReply = (request: RecordedRequest) => StandInReply;

/**
 * A local stand-in for the model API that codex talks to over loopback: it answers
 * `POST /responses` in the Responses API's streaming format from a script of replies.
 */
export class ModelStandIn {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly script: StandInReply[];
  private readonly hanging = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    script: StandInReply[],
    private readonly fallback: FallbackReply,
  ) {
    this.script = [...script];
  }

  /** Starts a stand-in on 127.0.0.1 with a free port. */
  static async start(
    script: StandInReply[] = [],
    fallback: FallbackReply = () => ({
      kind: "http-error",
      status: 500,
      message: "the model stand-in's script is used up",
    }),
  ): Promise<ModelStandIn> {
    const server = createServer();
    const standIn = new ModelStandIn(server, script, fallback);
    server.on("request", (req, res) => void standIn.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return standIn;
  }

  /** The base URL to give codex as the provider's `base_url`. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Appends replies to the script. */
  enqueue(...replies: StandInReply[]): void {
    this.script.push(...replies);
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== "POST" || !req.url?.endsWith("/responses")) {
      res.writeHead(404).end();
      return;
    }
    const request: RecordedRequest = {
      path: req.url,
      headers: req.headers,
      body: JSON.parse(raw || "{}") as Record<string, unknown>,
    };
    this.requests.push(request);
    const next = this.script.shift() ?? this.fallback(request);
    await this.answer(next, res);
  }

  /** Runs `then` after `ms`, unless the stand-in closes first. */
  private after(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      then();
    }, ms);
    this.timers.add(timer);
  }

  private async answer(next: StandInReply, res: ServerResponse): Promise<void> {
    switch (next.kind) {
      case "hang":
        this.hanging.add(res);
        res.on("close", () => this.hanging.delete(res));
        if (next.ms !== undefined) this.after(next.ms, () => res.destroy());
        return;
      case "delay":
        this.hanging.add(res);
        res.on("close", () => this.hanging.delete(res));
        this.after(next.ms, () => {
          this.hanging.delete(res);
          if (!res.destroyed) void this.answer(next.then, res);
        });
        return;
      case "http-error":
        res.writeHead(next.status, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: next.message, type: "stand_in_error" } }));
        return;
      case "response-failed":
        startStream(res);
        frame(res, { type: "response.created", response: { id: "resp_failed" } });
        frame(res, {
          type: "response.failed",
          response: { id: "resp_failed", error: { code: next.code, message: next.message } },
        });
        res.end();
        return;
      case "items":
        if (next.delayMs) await new Promise((r) => setTimeout(r, next.delayMs));
        startStream(res);
        frame(res, { type: "response.created", response: { id: "resp_1" } });
        next.items.forEach((item, index) => {
          if (next.deltas) deltaEvents(item, index).forEach((event) => frame(res, event));
          frame(res, { type: "response.output_item.done", item });
        });
        frame(res, { type: "response.completed", response: completed(next.usage) });
        res.end();
    }
  }
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
}

function frame(res: ServerResponse, data: { type: string } & Record<string, unknown>): void {
  res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
}

function completed(usage: Partial<StandInUsage> = {}): Record<string, unknown> {
  const input = usage.input_tokens ?? 42;
  const output = usage.output_tokens ?? 5;
  return {
    id: "resp_1",
    usage: {
      input_tokens: input,
      input_tokens_details: { cached_tokens: usage.cached_tokens ?? 12 },
      output_tokens: output,
      output_tokens_details: { reasoning_tokens: usage.reasoning_tokens ?? 1 },
      total_tokens: input + output,
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
