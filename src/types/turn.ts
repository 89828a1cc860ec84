import type { ThreadEvent, Usage } from "./events.js";
import type { ThreadItem } from "./items.js";

/** A completed turn. `output` is the parsed, validated final response when a schema was given. */
export type Turn<T = unknown> = {
  items: ThreadItem[];
  finalResponse: string;
  usage: Usage;
  output?: T;
  /** How many attempts the turn took (1 unless supervision restarted it). */
  attempts: number;
};

/** Alias for `Turn`: the result of `run()`. */
export type RunResult<T = unknown> = Turn<T>;

/** The result of `runStreamed()`. */
export type StreamedTurn = {
  events: AsyncGenerator<ThreadEvent>;
};

/** Alias for `StreamedTurn`: the result of `runStreamed()`. */
export type RunStreamedResult = StreamedTurn;
