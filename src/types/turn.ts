import type { ThreadEvent, Usage } from "./events.js";
import type { ThreadItem } from "./items.js";
import type { Input } from "./options.js";

/**
 * A completed turn: the official SDK's shape, plus `output` and `attempts`. With `outputSchema`,
 * `output` is a lazy, non-enumerable getter: read, it parses and validates the final response
 * (typed `T`) or throws `OutputValidationError`; the turn itself resolves either way (unless
 * `rejectInvalidOutput` is set), as with the official SDK.
 */
export type Turn<T = unknown> = {
  items: ThreadItem[];
  finalResponse: string;
  /** Token usage. Typed `Usage | null` as upstream; codex-actors never resolves a turn without it. */
  usage: Usage | null;
  output?: T;
  /** How many attempts the turn took (1 unless supervision restarted it); always set by `run()`. */
  attempts?: number;
};

/**
 * A turn run with `outputSchema`: `output` is typed `T` — read, it is the parsed, validated final
 * response, or it throws `OutputValidationError`. `T` is inferred from a literal schema
 * (`SchemaOutput`) or given as the type argument of `run<T>()`.
 */
export type StructuredTurn<T> = Turn<T> & { output: T };

/** Alias for `Turn`: the result of `run()`. */
export type RunResult<T = unknown> = Turn<T>;

/**
 * The result of `runStreamed()`: its events and, ours, the `Turn` they add up to. `result` is
 * optional here only so that the official shape still fits this type; `runStreamed` always sets it.
 */
export type StreamedTurn<T = unknown, E = ThreadEvent> = {
  /**
   * The turn's events. On `new Codex({ transport: "app-server" })` they are typed
   * `ThreadEvent | AppServerEvent` (`item.delta`, `approval.requested`, …).
   */
  events: AsyncGenerator<E>;
  /**
   * The turn the events add up to (items, final response, usage, attempts, lazy `output`). It
   * settles once `events` has been read to its end, or rejects with what ended the iteration.
   * Items are kept for it from the moment it is first read (a stream that never reads it keeps
   * none, so memory stays flat): read it before iterating, e.g. `const { events, result } = …`.
   */
  result?: Promise<Turn<T>>;
};

/** What `runStreamed()` returns: a `StreamedTurn` whose `result` is always there. */
export type StreamedTurnWithResult<
  T = unknown,
  E = ThreadEvent,
  R extends Turn<T> = Turn<T>,
> = StreamedTurn<T, E> & {
  result: Promise<R>;
  /**
   * Adds input to the running turn; the model sees it in its next request (app-server transport;
   * on exec it throws `UnsupportedError`). Waits while the turn is being started; rejects with
   * `TurnNotRunningError` once it has ended.
   */
  steer: (input: Input) => Promise<void>;
  /**
   * Stops the turn on either transport (exec: its process; app-server: `turn/interrupt`). Its
   * events end with `TurnInterruptedError`; it is not restarted. Resolves once it has settled.
   */
  interrupt: () => Promise<void>;
};

/** Alias for `StreamedTurn`: the result of `runStreamed()`. */
export type RunStreamedResult<T = unknown> = StreamedTurn<T>;
