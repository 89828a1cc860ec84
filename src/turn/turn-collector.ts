import type { OutputValidator } from "../output/output-validator.js";
import type { TurnResult } from "../supervision/turn-job.js";
import { CodexExitError } from "../types/errors.js";
import type { ThreadEvent, Usage } from "../types/events.js";
import type { ThreadItem } from "../types/items.js";
import type { Turn } from "../types/turn.js";

/** How a turn's iteration ended: the thread's result, or the error that ended it. */
export type TurnEnding = { result: TurnResult } | { error: unknown };

/** Sees a turn's events as they are read, and how the iteration ended (once). */
export type TurnObserver = {
  event: (event: ThreadEvent) => void;
  /** May throw, to end the iteration with that error instead (`rejectInvalidOutput`). */
  end: (ending: TurnEnding) => void;
};

/**
 * Adds a turn's events up into a `Turn`, as the official SDK's `run()` does (the last agent
 * message is the final response; a `turn.restarted` starts the items over). `result` settles when
 * the iteration ends; a rejection nobody awaits is not reported as unhandled.
 */
export class TurnCollector<T> implements TurnObserver {
  /** The turn, once its events have been read to the end. */
  readonly result: Promise<Turn<T>>;
  private items: ThreadItem[] = [];
  private finalResponse = "";
  private usage: Usage | null = null;
  private resolve!: (turn: Turn<T>) => void;
  private reject!: (error: unknown) => void;
  private ended = false;

  constructor(
    private readonly validator: OutputValidator<T> | undefined,
    /** Validate at the end and fail the turn with `OutputValidationError` (not lazily). */
    private readonly rejectInvalidOutput = false,
    /** Keep the items for `result` (a stream nobody collects keeps none: memory stays flat). */
    private keepItems = true,
  ) {
    this.result = new Promise<Turn<T>>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.result.catch(() => undefined);
  }

  /** From now on, keep the items for `result`. */
  collectItems(): void {
    this.keepItems = true;
  }

  event(event: ThreadEvent): void {
    if (event.type === "item.completed") {
      if (event.item.type === "agent_message") this.finalResponse = event.item.text;
      if (this.keepItems) this.items.push(event.item);
    } else if (event.type === "turn.completed") {
      this.usage = event.usage;
    } else if (event.type === "turn.restarted") {
      this.items = [];
      this.finalResponse = "";
      this.usage = null;
    }
  }

  /** Settles `result`; throws what rejected it (a failure, or an output that fails validation). */
  end(ending: TurnEnding): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if ("error" in ending) throw ending.error;
      if (ending.result.status === "failed") throw ending.result.error;
      this.resolve(this.turnOf(ending.result.attempts));
    } catch (error) {
      this.reject(error);
      throw error;
    }
  }

  private turnOf(attempts: number): Turn<T> {
    const { items, finalResponse, usage, validator } = this;
    if (!usage) {
      throw new CodexExitError(0, null, "", "codex ended the turn without reporting usage.");
    }
    const turn: Turn<T> = { items, finalResponse, usage, attempts };
    if (!validator) return turn;
    if (this.rejectInvalidOutput) {
      turn.output = validator.parse(finalResponse);
      return turn;
    }
    defineLazyOutput(turn, () => validator.parse(finalResponse));
    return turn;
  }
}

/**
 * `turn.output` as a getter that parses on first read and keeps the value (or the error, thrown
 * again on each read). Not enumerable: spreading, `JSON.stringify` or `toEqual` never throw.
 */
function defineLazyOutput<T>(turn: Turn<T>, parse: () => T): void {
  let parsed: { value: T } | { error: unknown } | undefined;
  Object.defineProperty(turn, "output", {
    enumerable: false,
    configurable: true,
    get(): T {
      if (!parsed) {
        try {
          parsed = { value: parse() };
        } catch (error) {
          parsed = { error };
        }
      }
      if ("error" in parsed) throw parsed.error;
      return parsed.value;
    },
  });
}
