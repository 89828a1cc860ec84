import type { ThreadActorRef } from "../machines/thread.machine.js";
import { isQueued, turnInHand } from "../machines/thread-views.js";
import type { TurnSink } from "../supervision/turn-job.js";

/** The `code` of the warning a turn emits when it waits behind a stream nobody reads. */
export const STALLED_STREAM_WARNING = "CODEX_ACTORS_STALLED_STREAM";

/** How long a stream ahead of a waiting turn may go unread before the warning (by default). */
export const DEFAULT_STALLED_STREAM_WARNING_MS = 10_000;

/** Streams already warned about: one warning per stalled stream, however many turns wait. */
const warned = new WeakSet<TurnSink>();

/**
 * Watches a turn waiting in its thread's mailbox: when the turn ahead of it is a stream whose
 * events nobody has read for `afterMs`, the two can never finish (the thread runs one turn at a
 * time, and the unread stream holds its process back), so it emits a process warning naming the
 * fix. Returns a function that stops watching; watching also stops once the turn starts.
 */
export function watchStalledStream(
  thread: ThreadActorRef,
  jobId: number,
  afterMs: number,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const waiting = () => isQueued(thread, jobId);
  const check = () => {
    if (!waiting()) return;
    const current = turnInHand(thread);
    const unreadForMs = current?.sink.unreadForMs() ?? 0;
    if (current && unreadForMs >= afterMs) {
      if (!warned.has(current.sink)) warnStalled(afterMs);
      warned.add(current.sink);
      return;
    }
    arm(afterMs - unreadForMs);
  };
  const arm = (ms: number) => {
    timer = setTimeout(check, ms);
    timer.unref();
  };
  if (waiting()) arm(afterMs);
  return () => clearTimeout(timer);
}

function warnStalled(afterMs: number): void {
  process.emitWarning(
    `A turn is waiting behind a runStreamed() turn of the same thread whose events nobody has ` +
      `read for ${afterMs} ms. A thread runs one turn at a time, and a stream that is not read ` +
      `holds its codex process back, so neither turn can finish.`,
    {
      code: STALLED_STREAM_WARNING,
      detail:
        "Read the streamed turn's events to the end (or leave its loop with break, or abort it) " +
        "before awaiting the next turn of that thread, or run the next turn on another thread. " +
        "The delay is the `stalledStreamWarningMs` option of `new Codex()` (false turns the " +
        "warning off).",
    },
  );
}
