import http from "node:http";
import type { AddressInfo } from "node:net";
import { atTeardown } from "./rig-registry.js";

/** A span as an OTLP/HTTP JSON export carries it (the fields the tests read). */
export type OtlpSpan = { name: string; traceId: string; spanId: string; parentSpanId?: string };

/** A loopback OTLP/HTTP receiver of JSON trace exports: what codex's own `[otel]` exporter sends. */
export type OtlpReceiver = {
  /** The URL to give as the exporter's endpoint. */
  endpoint: string;
  /** Every span received so far. */
  spans: () => OtlpSpan[];
};

/** Starts the receiver; it is closed after the test, whatever its outcome. */
export async function otlpReceiver(): Promise<OtlpReceiver> {
  const received: OtlpSpan[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      const exported = JSON.parse(body) as {
        resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const resource of exported.resourceSpans)
        for (const scope of resource.scopeSpans) received.push(...scope.spans);
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  atTeardown("the OTLP receiver", () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}/v1/traces`, spans: () => [...received] };
}
