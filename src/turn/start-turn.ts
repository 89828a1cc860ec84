import { FlowControl } from "../process/flow-control.js";
import { writeOutputSchemaFile, type OutputSchemaFile } from "../process/output-schema-file.js";
import type { CodexBinary } from "../process/codex-binary.js";
import { normalizeInput } from "../transports/input.js";
import type { ThreadActorRef } from "../machines/thread.machine.js";
import { attemptsMade } from "../machines/thread-views.js";
import type { OpenTurns } from "../supervision/open-turns.js";
import type { ToolRoute } from "../tools/tool-route.js";
import type { TurnResult } from "../supervision/turn-job.js";
import { describeThrown } from "../types/describe-thrown.js";
import { AbortError, InternalError, type CodexError } from "../types/errors.js";
import type { ThreadEvent } from "../types/events.js";
import type { Input, TurnOptions } from "../types/options.js";
import { TurnTelemetry, type TurnSource } from "../telemetry/turn-telemetry.js";
import { EventQueue } from "./event-queue.js";
import { watchStalledStream } from "./stalled-stream.js";
import type { TurnControl } from "./turn-control.js";

/** One turn to hand to a thread actor. */
export type TurnRequest = {
  thread: ThreadActorRef;
  binary: CodexBinary;
  /** Whether the transport reads the output schema from a file (written here) or inline. */
  schemaAsFile: boolean;
  input: Input;
  turn: TurnOptions;
  /** Called when the stream reports the thread's id. */
  onThreadId: (id: string) => void;
  /** Warn after this long waiting behind a stream nobody reads (`false`: never). */
  stalledStreamWarningMs: number | false;
  /** The handle `runStreamed()` returns for steering and interrupting the turn. */
  control?: TurnControl;
  /** What telemetry says of the turn's thread (its key is the thread actor's id). */
  source: Omit<TurnSource, "threadKey">;
  /** The Codex's turns not yet settled: this one counts there until it settles. */
  openTurns: OpenTurns;
  /** The thread's tools: served before the turn is queued, told which turn runs. */
  tools?: { route: ToolRoute; serve: () => Promise<void> } | null;
};

/** A turn in its thread's mailbox: its events as they come, and how to end it. */
export type StartedTurn = {
  queue: EventQueue<ThreadEvent>;
  /**
   * Ends the turn: cancels it if it is still running (the consumer left), waits until its
   * processes are gone, removes the schema file, and returns how it ended.
   */
  end: () => Promise<TurnResult>;
};

let nextJobId = 0;

/** Writes the schema file (where the transport reads one) and puts the turn in its thread's mailbox. */
export async function startTurn(request: TurnRequest): Promise<StartedTurn> {
  const { signal, outputSchema } = request.turn;
  const { prompt, images } = normalizeInput(request.input);
  // Listening from the first line: an abort that comes while the schema file is written counts.
  let abortedEarly = false;
  let onAbort: () => void = () => (abortedEarly = true);
  const onSignal = () => onAbort();
  signal?.addEventListener("abort", onSignal, { once: true });
  let schemaFile: OutputSchemaFile | undefined;
  try {
    if (signal?.aborted) throw abortErrorOf(signal);
    await request.tools?.serve();
    if (outputSchema !== undefined && request.schemaAsFile)
      schemaFile = await writeOutputSchemaFile(outputSchema as object);
    if (abortedEarly) throw abortErrorOf(signal!);
    if (request.control?.interruptRequested) throw request.control.interruptRequested;
  } catch (error) {
    signal?.removeEventListener("abort", onSignal);
    request.control?.ended(); // It never runs: a steer waiting for it rejects.
    await schemaFile?.remove();
    throw error;
  }
  const queue = new EventQueue<ThreadEvent>(new FlowControl());
  const id = ++nextJobId;
  let result: TurnResult | undefined;
  let stopWatching: (() => void) | undefined;
  const { thread } = request;
  const telemetry = new TurnTelemetry({ ...request.source, threadKey: thread.id }, id, () =>
    attemptsMade(thread),
  );
  const settled = telemetry.run(
    () =>
      new Promise<TurnResult>((resolve) => {
        // Settled once: a later report (a fault's cleanup after the thread's own) changes nothing.
        const settle = (outcome: TurnResult) => {
          if (result) return;
          result = outcome;
          request.openTurns.settled(id);
          request.tools?.route.settled(id);
          stopWatching?.();
          request.control?.ended();
          queue.end();
          resolve(outcome);
        };
        const sink = {
          flow: queue.flow,
          deliver: (events: ThreadEvent[]) => {
            telemetry.deliver(events);
            queue.push(events);
          },
          settle,
          unreadForMs: () => queue.unreadForMs(),
          control: request.control,
        };
        request.openTurns.opened(id, (error) => settle({ status: "failed", attempts: 0, error }));
        request.tools?.route.queued(id);
        request.thread.send({
          type: "thread.enqueue",
          job: {
            id,
            binary: request.binary,
            prompt,
            images,
            outputSchemaPath: schemaFile?.path,
            options: request.turn,
            sink,
          },
        });
        // A thread actor that is gone (its Codex's root failed) took nothing: nothing would settle it.
        if (request.thread.getSnapshot().status !== "active")
          settle({
            status: "failed",
            attempts: 0,
            error: new InternalError("the thread actor", new Error("it had stopped")),
          });
      }),
  );
  const { stalledStreamWarningMs } = request;
  if (!result && stalledStreamWarningMs !== false)
    stopWatching = watchStalledStream(request.thread, id, stalledStreamWarningMs);
  const cancel = (error: CodexError) => {
    if (!result) request.thread.send({ type: "thread.cancel", jobId: id, error });
  };
  request.control?.started(cancel);
  onAbort = () => cancel(abortErrorOf(signal!));
  return {
    queue,
    end: async () => {
      signal?.removeEventListener("abort", onSignal);
      // Made only for a turn still running: an error captures a stack trace.
      if (!result) cancel(new AbortError("The consumer stopped reading the turn's events."));
      queue.close(); // What the consumer left unread is dropped, its spill file freed.
      try {
        return await settled;
      } finally {
        await schemaFile?.remove();
      }
    },
  };
}

function abortErrorOf(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error ? `: ${describeThrown(reason)}` : "";
  return new AbortError(`The turn was aborted by its signal${detail}.`, { cause: reason });
}
