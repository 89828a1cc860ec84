import type { TurnResult } from "../supervision/turn-job.js";
import type { AppServerEvent } from "../types/app-server.js";
import type { ThreadEvent } from "../types/events.js";
import { isStopRequest } from "../transports/transport.js";
import { channels, type EventMessage, type TurnMessage } from "./channels.js";

/** What a turn's messages say of it from the start: its thread, model and sandbox. */
export type TurnSource = Pick<TurnMessage, "transport" | "model" | "sandbox"> & {
  threadKey: string;
  threadId: string | null;
};

/** Whether anything listens on the `codex-actors:turn` tracing channel. */
function turnTraced(): boolean {
  const { start, end, asyncStart, asyncEnd, error } = channels.turn;
  return (
    start.hasSubscribers ||
    end.hasSubscribers ||
    asyncStart.hasSubscribers ||
    asyncEnd.hasSubscribers ||
    error.hasSubscribers
  );
}

/** Whether anything listens to a turn's stream (events or approvals). */
function streamObserved(): boolean {
  return (
    channels.event.hasSubscribers ||
    channels.approvalRequested.hasSubscribers ||
    channels.approvalResolved.hasSubscribers
  );
}

/**
 * One turn as the channels see it: runs its start inside the `codex-actors:turn` tracing channel
 * (when traced) and publishes its stream's events. Without subscribers it costs a few reads.
 */
export class TurnTelemetry {
  /** The tracing channel's context object, when the turn is traced. */
  private readonly message: TurnMessage | null;
  private readonly source: TurnSource & { turnId: number };

  constructor(
    source: TurnSource,
    turnId: number,
    /** Attempts the turn's thread has made of it so far. */
    private readonly attempt: () => number,
  ) {
    this.message = turnTraced() ? { ...source, turnId, attempt: 0 } : null;
    this.source = { ...source, turnId };
  }

  /**
   * Starts the turn with `start` (which puts it in the mailbox and resolves when it settles),
   * inside the tracing channel when the turn is traced: `start`/`end` around the call,
   * `asyncStart`/`asyncEnd` when it settles, `error` first when it fails.
   */
  run(start: () => Promise<TurnResult>): Promise<TurnResult> {
    const message = this.message;
    if (!message) return start();
    let settled!: Promise<TurnResult>;
    channels.turn
      .tracePromise(() => {
        settled = start();
        return settled.then((result) => {
          message.attempt = result.attempts;
          message.outcome = outcomeOf(result);
          if (result.status === "failed") throw result.error;
          return result;
        });
      }, message)
      .catch(() => undefined);
    return settled;
  }

  /**
   * Publishes `events` (one delivered batch) on the event and approval channels, and keeps what
   * the turn's message reports of them. One fixed-shape message per event, only when observed.
   */
  deliver(events: ReadonlyArray<ThreadEvent | AppServerEvent>): void {
    const message = this.message;
    const observed = streamObserved();
    if (!message && !observed) return;
    const source = this.source;
    const attempt = observed ? this.attempt() : 0;
    for (const event of events) {
      if (event.type === "thread.started") source.threadId = event.thread_id;
      else if (event.type === "turn.completed" && message) message.usage = event.usage;
      if (!observed) continue;
      const { threadKey, threadId, turnId, transport } = source;
      publishEvent({ threadKey, threadId, turnId, transport, attempt, event });
    }
    if (message) message.threadId = source.threadId;
  }
}

function publishEvent(message: EventMessage): void {
  if (channels.event.hasSubscribers) channels.event.publish(message);
  const { type } = message.event;
  if (type === "approval.requested") channels.approvalRequested.publish(message);
  else if (type === "approval.resolved") channels.approvalResolved.publish(message);
}

function outcomeOf(result: TurnResult): TurnMessage["outcome"] {
  if (result.status === "completed") return "completed";
  return isStopRequest(result.error) ? "aborted" : "failed";
}
