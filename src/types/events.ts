/**
 * The events `codex exec --experimental-json` prints, one JSON object per line. Shapes match
 * `@openai/codex-sdk`. Events of a type this version does not know are passed through untouched
 * (newer codex versions add them), so a `default` branch in a switch over `type` is reachable.
 */
import type { ThreadItem } from "./items.js";

/** The first event of a new thread; its id lets the thread be resumed later. */
export type ThreadStartedEvent = {
  type: "thread.started";
  thread_id: string;
};

/** A turn started: the prompt was sent to the model. */
export type TurnStartedEvent = {
  type: "turn.started";
};

/** Token usage of a turn; every field is present (missing ones are reported as 0). */
export type Usage = {
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
};

/** A turn completed, usually right after the assistant's final response. */
export type TurnCompletedEvent = {
  type: "turn.completed";
  usage: Usage;
};

/** A fatal error of a turn, as the model or codex reported it. */
export type ThreadError = {
  message: string;
};

/** A turn failed; the process exits non-zero right after. */
export type TurnFailedEvent = {
  type: "turn.failed";
  error: ThreadError;
};

/** A new item was added to the thread, usually still in progress. */
export type ItemStartedEvent = {
  type: "item.started";
  item: ThreadItem;
};

/** An item was updated. */
export type ItemUpdatedEvent = {
  type: "item.updated";
  item: ThreadItem;
};

/** An item reached a terminal state, success or failure. */
export type ItemCompletedEvent = {
  type: "item.completed";
  item: ThreadItem;
};

/** An error reported directly by the event stream (e.g. `Reconnecting... 1/5`). */
export type ThreadErrorEvent = {
  type: "error";
  message: string;
};

/**
 * codex-actors' own event: a failed attempt is restarted under the thread's supervision policy.
 * It comes before the new attempt's events; `attempt` is the number of the attempt to come.
 */
export type TurnRestartedEvent = {
  type: "turn.restarted";
  attempt: number;
  delayMs: number;
  error: { message: string; kind: string };
};

/** Every event type this version knows, discriminated by `type`. */
export type ThreadEvent =
  | TurnRestartedEvent
  | ThreadStartedEvent
  | TurnStartedEvent
  | TurnCompletedEvent
  | TurnFailedEvent
  | ItemStartedEvent
  | ItemUpdatedEvent
  | ItemCompletedEvent
  | ThreadErrorEvent;
