import { createActor } from "xstate";
import { FlowControl } from "../actors/flow-control.js";
import { writeOutputSchemaFile } from "../actors/output-schema-file.js";
import { buildExecArgv } from "../exec/argv.js";
import { buildChildEnv } from "../exec/child-env.js";
import type { CodexBinary } from "../exec/codex-binary.js";
import { normalizeInput } from "../exec/input.js";
import { execMachine, type ExecOutcome } from "../machines/exec.machine.js";
import { AbortError, type CodexError } from "../types/errors.js";
import type { ThreadEvent } from "../types/events.js";
import type { CodexOptions, Input, ThreadOptions, TurnOptions } from "../types/options.js";
import { EventQueue } from "./event-queue.js";

/** Everything one turn needs, resolved by the `Codex` and `Thread` that run it. */
export type TurnRequest = {
  binary: CodexBinary;
  globalFlags: readonly string[];
  env?: Record<string, string>;
  apiKey?: string;
  thread: ThreadOptions;
  turn: TurnOptions;
  threadId: string | null;
  input: Input;
  /** Called when the stream reports the thread's id. */
  onThreadId: (id: string) => void;
  inspect?: CodexOptions["inspect"];
};

/**
 * Runs one turn as an exec actor and yields its events as they stream. Whatever ends it (the
 * turn's end, a failure, an abort, the consumer leaving the loop) the process group is gone and
 * the schema file removed before the generator settles. A failed turn throws after its events.
 */
export async function* streamTurn(request: TurnRequest): AsyncGenerator<ThreadEvent> {
  const { signal, outputSchema } = request.turn;
  if (signal?.aborted) throw abortErrorOf(signal);
  const { prompt, images } = normalizeInput(request.input);
  const schemaFile =
    outputSchema === undefined ? undefined : await writeOutputSchemaFile(outputSchema as object);
  try {
    const argv = buildExecArgv({
      globalFlags: request.globalFlags,
      thread: request.thread,
      turn: request.turn,
      threadId: request.threadId,
      images,
      outputSchemaPath: schemaFile?.path,
    });
    const env = buildChildEnv({
      env: request.env,
      apiKey: request.apiKey,
      pathDirs: request.binary.pathDirs,
    });
    const flow = new FlowControl();
    const queue = new EventQueue<ThreadEvent>(flow);
    const actor = createActor(execMachine, {
      input: { executablePath: request.binary.executablePath, argv, env, prompt, flow },
      inspect: request.inspect,
    });
    actor.on("exec.events", (emitted) => queue.push(emitted.events));
    const finished = new Promise<ExecOutcome>((resolve) =>
      actor.subscribe({
        complete: () => resolve(actor.getSnapshot().output!),
        error: (error) => resolve({ status: "failed", threadId: null, error: error as CodexError }),
      }),
    ).finally(() => queue.end());
    const abort = (error: AbortError) => {
      if (actor.getSnapshot().status === "active") actor.send({ type: "exec.abort", error });
    };
    const onSignal = () => abort(abortErrorOf(signal!));
    signal?.addEventListener("abort", onSignal, { once: true });
    actor.start();

    let outcome: ExecOutcome;
    try {
      for (let batch = await queue.take(); batch; batch = await queue.take()) {
        for (const event of batch) {
          if (event.type === "thread.started") request.onThreadId(event.thread_id);
          yield event;
        }
      }
    } finally {
      signal?.removeEventListener("abort", onSignal);
      abort(new AbortError("The consumer stopped reading the turn's events."));
      outcome = await finished;
    }
    if (outcome.status !== "completed") throw outcome.error;
  } finally {
    await schemaFile?.remove();
  }
}

function abortErrorOf(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error ? `: ${reason.message}` : "";
  return new AbortError(`The turn was aborted by its signal${detail}.`, { cause: reason });
}
