import type { ThreadEvent, ThreadItem, Usage } from "../types/index.js";

/** A streamed turn read to its end: what a test usually checks of it. */
export type CollectedTurn<E = ThreadEvent> = {
  /** Every event, in order. */
  events: E[];
  /** The items of `item.completed` events, in order. */
  items: ThreadItem[];
  /** The text of the last agent message ("" if none). */
  finalResponse: string;
  usage: Usage | null;
  /** The thread id from `thread.started`, if it came. */
  threadId: string | null;
  /** What ended the stream, if it threw (a `TurnFailedError`, `AbortError`…). */
  error?: unknown;
};

/**
 * Reads a `runStreamed` turn's events to the end (never throws: an error that ends the stream
 * is returned in `error`; approval events of the app-server transport are kept in `events`) and gathers its items, final response, usage and thread id.
 */
export async function collectTurn<E extends { type: string } = ThreadEvent>(
  events: AsyncIterable<E>,
): Promise<CollectedTurn<E>> {
  const turn: CollectedTurn<E> = {
    events: [],
    items: [],
    finalResponse: "",
    usage: null,
    threadId: null,
  };
  try {
    for await (const streamed of events) {
      turn.events.push(streamed);
      const event = streamed as unknown as ThreadEvent;
      if (event.type === "thread.started") turn.threadId = event.thread_id;
      if (event.type === "turn.completed") turn.usage = event.usage;
      if (event.type === "item.completed") {
        turn.items.push(event.item);
        if (event.item.type === "agent_message") turn.finalResponse = event.item.text;
      }
    }
  } catch (error) {
    turn.error = error;
  }
  return turn;
}
