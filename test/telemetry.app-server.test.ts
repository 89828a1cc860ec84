import { afterEach, describe, expect, it } from "@jest/globals";
import diagnostics from "node:diagnostics_channel";
import path from "node:path";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
  CHANNEL_NAMES,
  type ApprovalMessage,
  type AttemptEndMessage,
  type CodexConfigObject,
} from "../src/index.js";
import { message, reply, shellCommand, standInConfig } from "../src/model-stand-in/index.js";
import { instrumentCodexActors, type Instrumentation } from "../src/otel/index.js";
import { otlpReceiver } from "./support/otlp-receiver.js";
import { eventually } from "./support/processes.js";
import { MODEL, realCodex, type RealCodexRig } from "./support/real-codex.js";

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function listen(name: string): unknown[] {
  const seen: unknown[] = [];
  const handler = (message: unknown) => seen.push(message);
  diagnostics.subscribe(name, handler);
  stops.push(() => diagnostics.unsubscribe(name, handler));
  return seen;
}

/** A thread on the app-server that asks before running a command; its handler accepts. */
function acceptingThread(rig: RealCodexRig, config?: CodexConfigObject) {
  const codex = rig.makeCodex({
    transport: "app-server",
    onApproval: () => "accept",
    ...(config ? { config } : {}),
  });
  const thread = codex.startThread({
    model: MODEL,
    workingDirectory: rig.workdir,
    sandboxMode: "danger-full-access",
    approvalPolicy: "untrusted",
  });
  return { codex, thread };
}

describe("telemetry on the app-server transport (real binary)", () => {
  it("publishes the approval asked and answered, and the attempt's end with the server's pid", async () => {
    const requested = listen(CHANNEL_NAMES.approvalRequested) as ApprovalMessage[];
    const resolved = listen(CHANNEL_NAMES.approvalResolved) as ApprovalMessage[];
    const ended = listen(CHANNEL_NAMES.attemptEnd) as AttemptEndMessage[];
    const rig = await realCodex();
    const file = path.join(rig.workdir, "approved.txt");
    rig.standIn.enqueue(reply(shellCommand(`touch ${file}`)), reply(message("done")));
    const { codex, thread } = acceptingThread(rig);
    await thread.run("make it");
    const source = { threadKey: thread.actor.id, threadId: thread.id, transport: "app-server" };
    expect(requested).toEqual([
      expect.objectContaining({
        ...source,
        attempt: 1,
        event: expect.objectContaining({ type: "approval.requested", kind: "command" }),
      }),
    ]);
    expect(resolved).toEqual([
      expect.objectContaining({
        ...source,
        attempt: 1,
        event: expect.objectContaining({ type: "approval.resolved", decision: "accept" }),
      }),
    ]);
    expect(ended).toEqual([
      expect.objectContaining({
        ...source,
        outcome: "completed",
        pid: codex.getSnapshot().server!.pid,
        sideEffect: "command_execution",
      }),
    ]);
  });

  it("the server's turn/start span continues the attempt span, and the attempt span has the approval's events", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const instrumentation: Instrumentation = instrumentCodexActors({ tracerProvider });
    stops.push(() => instrumentation.disable());
    const receiver = await otlpReceiver();
    const rig = await realCodex();
    const file = path.join(rig.workdir, "traced.txt");
    rig.standIn.enqueue(reply(shellCommand(`touch ${file}`)), reply(message("done")));
    const { codex, thread } = acceptingThread(rig, {
      ...standInConfig(rig.standIn.url),
      allow_login_shell: false,
      otel: { trace_exporter: { "otlp-http": { endpoint: receiver.endpoint, protocol: "json" } } },
    });
    await thread.run("make it");
    const attempt = exporter.getFinishedSpans().find((span) => span.name === "codex.attempt")!;
    expect(attempt.events.map((event) => [event.name, event.attributes])).toEqual([
      ["codex.approval.requested", { "codex.approval.kind": "command" }],
      [
        "codex.approval.resolved",
        { "codex.approval.kind": "command", "codex.approval.decision": "accept" },
      ],
    ]);
    const { traceId, spanId } = attempt.spanContext();
    await codex.shutdown(); // the server exports what it holds as it exits
    await eventually(
      () => receiver.spans().some((span) => span.name === "turn/start"),
      "the server's turn/start span at the receiver",
      20_000,
    );
    const turnStart = receiver.spans().find((span) => span.name === "turn/start");
    expect(turnStart).toMatchObject({ traceId, parentSpanId: spanId });
  });
});
