import type { Codex } from "../codex.js";
import { serializeError } from "./remote-errors.js";
import { EventStreamWriter } from "./event-stream.js";
import type { SessionStore } from "./sessions.js";
import type { TurnEnd, TurnJobData } from "./turn-job.js";

/** What a worker's processor needs besides the job. */
export type TurnRunner = {
  codex: Codex;
  sessions: SessionStore;
  /** The writer of a turn's event stream. */
  stream: (turnId: string) => EventStreamWriter;
};

/**
 * Runs one job's turn on the worker's local, supervised `Codex`: restores the thread's session
 * if it is stored, streams every event, stores the session after the turn, then writes the end
 * (the turn's attempts, or its error). Resolves with the end; rejects only if Redis fails.
 */
export async function runTurnJob(
  runner: TurnRunner,
  data: TurnJobData,
  signal: AbortSignal | undefined,
): Promise<TurnEnd> {
  const stream = runner.stream(data.turnId);
  let threadId = data.threadId;
  let end: TurnEnd;
  try {
    if (threadId !== null) await runner.sessions.restore(threadId);
    const thread =
      threadId === null
        ? runner.codex.startThread(data.thread)
        : runner.codex.resumeThread(threadId, data.thread);
    const { events, result } = await thread.runStreamed(data.input, { ...data.turn, signal });
    for await (const event of events) await stream.event(event);
    const { attempts = 1 } = await result;
    threadId = thread.id;
    if (threadId !== null) await runner.sessions.store(threadId);
    end = { ok: true, threadId, attempts };
  } catch (error) {
    end = { ok: false, threadId, error: serializeError(error) };
  }
  await stream.end(end);
  return end;
}
