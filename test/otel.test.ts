import { afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";
import type { SupervisionPolicy } from "../src/index.js";
import { instrumentCodexActors, type Instrumentation } from "../src/otel/index.js";
import { message, reply, standInConfig } from "../src/model-stand-in/index.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";
import { otlpReceiver } from "./support/otlp-receiver.js";
import { eventually } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";

const fast: SupervisionPolicy = { backoff: { initialMs: 5, maxMs: 20, jitter: false } };
const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];
const ok: MockStep[] = [{ turn: "done" }];

/** Collects on demand (no timer). */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

let exporter: InMemorySpanExporter;
let reader: OnDemandReader;
let instrumentation: Instrumentation | undefined;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

/** Instruments with in-memory providers for the test; `disable`d after it. */
function instrument() {
  exporter = new InMemorySpanExporter();
  reader = new OnDemandReader();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  instrumentation = instrumentCodexActors({ tracerProvider, meterProvider });
  return tracerProvider;
}

afterEach(() => {
  instrumentation?.disable();
  instrumentation = undefined;
});

const named = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

async function metric(name: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await reader.collect();
  const found = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((m) => m.descriptor.name === name);
  return (found?.dataPoints ?? []) as DataPoint<unknown>[];
}

describe("codex-actors/otel", () => {
  it("a turn restarted once is a codex.turn span with two codex.attempt children, a restart event, and each attempt's traceparent in its child's env", async () => {
    instrument();
    const rig = mockCodex({ attempts: [[...started, { exit: 7 }], ok] }, { supervision: fast });
    const thread = rig.codex.startThread({ model: "gpt-test", sandboxMode: "read-only" });
    const turn = await thread.run("hi");

    const [turnSpan, ...otherTurns] = named("codex.turn");
    expect(otherTurns).toHaveLength(0);
    const attempts = named("codex.attempt");
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(parentOf(attempt)).toBe(turnSpan!.spanContext().spanId);
      expect(attempt.spanContext().traceId).toBe(turnSpan!.spanContext().traceId);
    }
    expect(turnSpan!.attributes).toMatchObject({
      "codex.thread.id": thread.id,
      "codex.thread.key": thread.actor.id,
      "codex.model": "gpt-test",
      "codex.sandbox": "read-only",
      "codex.transport": "exec",
      "codex.outcome": "completed",
      "codex.attempts": 2,
      "gen_ai.usage.input_tokens": turn.usage!.input_tokens,
      "gen_ai.usage.output_tokens": turn.usage!.output_tokens,
    });
    expect(turnSpan!.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        "codex.turn.restart",
        { "codex.attempt": 2, "codex.restart.delay_ms": 5, "codex.error.kind": "exit" },
      ],
    ]);
    const [first, second] = [...attempts].sort(
      (a, b) => Number(a.attributes["codex.attempt"]) - Number(b.attributes["codex.attempt"]),
    );
    expect(first!.attributes).toMatchObject({
      "codex.attempt": 1,
      "codex.outcome": "failed",
      "codex.error.kind": "exit",
    });
    expect(first!.status.code).toBe(2);
    expect(second!.attributes).toMatchObject({ "codex.attempt": 2, "codex.outcome": "completed" });

    const runs = rig.records().filter((record) => record.argv);
    expect(runs.map((run) => run.pid)).toEqual([
      first!.attributes["process.pid"],
      second!.attributes["process.pid"],
    ]);
    expect(runs.map((run) => run.traceparent)).toEqual(
      [first!, second!].map(
        (span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
      ),
    );
  });

  it("the turn span is a child of the span active where the turn was started", async () => {
    const provider = instrument();
    const rig = mockCodex(ok);
    const job = provider.getTracer("app").startSpan("app.job");
    await context.with(trace.setSpan(context.active(), job), () =>
      rig.codex.startThread().run("hi"),
    );
    job.end();
    const [turnSpan] = named("codex.turn");
    expect(parentOf(turnSpan!)).toBe(job.spanContext().spanId);
    expect(turnSpan!.spanContext().traceId).toBe(job.spanContext().traceId);
  });

  it("a failed turn's span has an error status and kind; metrics count turns by outcome, failures, restarts, tokens and durations", async () => {
    instrument();
    const good = mockCodex({ attempts: [[...started, { exit: 7 }], ok] }, { supervision: fast });
    const completed = await good.codex.startThread().run("hi");
    const bad = mockCodex([...started, { exit: 3 }], { supervision: false });
    await expect(bad.codex.startThread().run("hi")).rejects.toMatchObject({ kind: "exit" });

    const failedSpan = named("codex.turn").find((s) => s.attributes["codex.outcome"] === "failed");
    expect(failedSpan!.status).toMatchObject({ code: 2, message: expect.stringContaining("3") });
    expect(failedSpan!.attributes["codex.error.kind"]).toBe("exit");

    const turns = await metric("codex.turns");
    const byOutcome = Object.fromEntries(
      turns.map((point) => [point.attributes["codex.outcome"], point.value]),
    );
    expect(byOutcome).toEqual({ completed: 1, failed: 1 });
    const failures = await metric("codex.turn.failures");
    expect(failures.map((p) => [p.attributes["codex.error.kind"], p.value])).toEqual([["exit", 1]]);
    const restarts = await metric("codex.turn.restarts");
    expect(restarts.map((p) => [p.attributes["codex.error.kind"], p.value])).toEqual([["exit", 1]]);
    const tokens = await metric("codex.tokens");
    const byType = Object.fromEntries(
      tokens.map((point) => [point.attributes["codex.token.type"], point.value]),
    );
    expect(byType).toEqual({
      input: completed.usage!.input_tokens,
      cached_input: completed.usage!.cached_input_tokens,
      output: completed.usage!.output_tokens,
    });
    const durations = await metric("codex.turn.duration");
    const counts = durations.map((point) => (point.value as Histogram).count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it("a span processor that throws: every turn still settles, one warning says so, nothing reaches the host uncaught", async () => {
    const throwing = {
      onStart: () => {
        throw new Error("exporter down");
      },
      onEnd: () => {
        throw new Error("exporter down");
      },
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [throwing] });
    instrumentation = instrumentCodexActors({ tracerProvider });
    const warned = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const good = mockCodex({ attempts: [[...started, { exit: 7 }], ok] }, { supervision: fast });
      const completed = await good.codex.startThread().run("hi");
      const bad = mockCodex([...started, { exit: 3 }], { supervision: false });
      const failed = await bad.codex
        .startThread()
        .run("hi")
        .catch((error: unknown) => error);
      await new Promise((resolve) => setImmediate(resolve));
      expect(completed.finalResponse).toBe("done");
      expect(failed).toMatchObject({ kind: "exit" });
      expect(uncaught).toEqual([]);
      const ours = warned.mock.calls.filter(([, options]) => {
        return (options as { code?: string } | undefined)?.code === "CODEX_ACTORS_OTEL";
      });
      expect(ours).toHaveLength(1);
      expect(String(ours[0]![0])).toContain("exporter down");
    } finally {
      warned.mockRestore();
      process.off("uncaughtException", onUncaught);
    }
  });

  it("after disable(), turns make no spans and children get no traceparent", async () => {
    instrument();
    instrumentation!.disable();
    const rig = mockCodex(ok);
    await rig.codex.startThread().run("hi");
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(rig.records().filter((r) => r.argv)[0]!.traceparent).toBeNull();
  });

  it("on the real binary, codex's own [otel] spans continue the attempt's trace and nest under its span", async () => {
    instrument();
    const receiver = await otlpReceiver();
    const rig = await realCodex([reply(message("traced"))]);
    const codex = rig.makeCodex({
      config: {
        ...standInConfig(rig.standIn.url),
        allow_login_shell: false,
        otel: {
          trace_exporter: { "otlp-http": { endpoint: receiver.endpoint, protocol: "json" } },
        },
      },
    });
    const turn = await rig.startThread(codex).run("hi");
    expect(turn.finalResponse).toBe("traced");
    const [attempt] = named("codex.attempt");
    const { traceId, spanId } = attempt!.spanContext();
    await eventually(() => receiver.spans().length > 0, "codex's spans at the receiver");
    // codex's own root spans for the run and its turn continue the attempt's span; spans of
    // background work (auth refresh, shutdown) start traces of their own.
    const spans = receiver.spans();
    const top = spans.filter((span) => ["codex.exec", "turn/start"].includes(span.name));
    expect(top.map((span) => span.name).sort()).toEqual(["codex.exec", "turn/start"]);
    for (const span of top) expect(span).toMatchObject({ traceId, parentSpanId: spanId });
    const inTrace = spans.filter((span) => span.traceId === traceId);
    expect(inTrace.length).toBeGreaterThan(spans.length / 2);
  });
});
