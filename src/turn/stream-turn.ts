import { FlowControl } from "../actors/flow-control.js";
import { writeOutputSchemaFile } from "../actors/output-schema-file.js";
import type { CodexBinary } from "../exec/codex-binary.js";
import { normalizeInput } from "../exec/input.js";
import type { ThreadActorRef } from "../machines/thread.machine.js";
import type { TurnJob, TurnResult } from "../supervision/turn-job.js";
import { AbortError } from "../types/errors.js";
import type { ThreadEvent } from "../types/events.js";
import type { Input, TurnOptions } from "../types/options.js";
import { EventQueue } from "./event-queue.js";

/** One turn to hand to a thread actor. */
export type TurnRequest = {
  thread: ThreadActorRef;
  binary: CodexBinary;
  input: Input;
  turn: TurnOptions;
  /** Called when the stream reports the thread's id. */
  onThreadId: (id: string) => void;
};

let nextJobId = 0;

/**
 * Puts a turn in its thread's mailbox and yields its events as they stream; returns how many
 * attempts it took. Whatever ends it (its end, a failure, an abort, the consumer leaving the
 * loop) every process is gone and the schema file removed before the generator settles.
 */
export async function* streamTurn(
  request: TurnRequest,
): AsyncGenerator<ThreadEvent, TurnResult, undefined> {
  const { signal, outputSchema } = request.turn;
  if (signal?.aborted) throw abortErrorOf(signal);
  const { prompt, images } = normalizeInput(request.input);
  const schemaFile =
    outputSchema === undefined ? undefined : await writeOutputSchemaFile(outputSchema as object);
  try {
    const queue = new EventQueue<ThreadEvent>(new FlowControl());
    const id = ++nextJobId;
    let result: TurnResult | undefined;
    const settled = new Promise<TurnResult>((resolve) => {
      const job: TurnJob = {
        id,
        binary: request.binary,
        prompt,
        images,
        outputSchemaPath: schemaFile?.path,
        options: request.turn,
        sink: {
          flow: queue.flow,
          deliver: (events) => queue.push(events),
          settle: (outcome) => {
            result = outcome;
            queue.end();
            resolve(outcome);
          },
        },
      };
      request.thread.send({ type: "thread.enqueue", job });
    });
    const cancel = (error: AbortError) => {
      if (!result) request.thread.send({ type: "thread.cancel", jobId: id, error });
    };
    const onSignal = () => cancel(abortErrorOf(signal!));
    signal?.addEventListener("abort", onSignal, { once: true });
    try {
      for (let batch = await queue.take(); batch; batch = await queue.take()) {
        for (const event of batch) {
          if (event.type === "thread.started") request.onThreadId(event.thread_id);
          yield event;
        }
      }
    } finally {
      signal?.removeEventListener("abort", onSignal);
      cancel(new AbortError("The consumer stopped reading the turn's events."));
      await settled;
    }
    if (result!.status === "failed") throw result!.error;
    return result!;
  } finally {
    await schemaFile?.remove();
  }
}

function abortErrorOf(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error ? `: ${reason.message}` : "";
  return new AbortError(`The turn was aborted by its signal${detail}.`, { cause: reason });
}
