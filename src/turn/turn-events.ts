import type { TurnResult } from "../supervision/turn-job.js";
import { AbortError } from "../types/errors.js";
import type { ThreadEvent } from "../types/events.js";
import { startTurn, type StartedTurn, type TurnRequest } from "./start-turn.js";
import type { TurnObserver } from "./turn-collector.js";

type Step = IteratorResult<ThreadEvent, TurnResult>;

/**
 * A turn's events, as the `AsyncGenerator` that `runStreamed` returns. The turn starts on the
 * first `next()`. Buffered events are answered at once, without the extra microtask hops of an
 * async generator's `yield` (they cost as much as parsing). Whatever ends the iteration (the
 * turn's end, a failure, `break`, an exception in the loop) every process is gone and the schema
 * file removed before the returned promise settles; a failed turn rejects after its events.
 */
export class TurnEvents implements AsyncGenerator<ThreadEvent, TurnResult, undefined> {
  private batch: ThreadEvent[] = [];
  private index = 0;
  private turn?: Promise<StartedTurn>;
  /** The step in progress that had to wait (for events, the start, or the end). */
  private waiting?: Promise<Step>;
  private finished = false;

  constructor(
    private readonly request: TurnRequest,
    /** Sees each event as it is read and how the iteration ended (it builds the `Turn`). */
    private readonly observer?: TurnObserver,
  ) {}

  /** The next event, or the turn's result once it has ended. */
  next(): Promise<Step> {
    if (this.index < this.batch.length && !this.waiting) {
      return Promise.resolve({ done: false, value: this.take() });
    }
    return this.serialize(() => this.advance());
  }

  /** Stops reading: the turn is cancelled if it still runs, and its processes are gone after. */
  return(): Promise<Step> {
    return this.serialize(() => this.close());
  }

  /** Stops reading like `return`, then rejects with `error`. */
  throw(error: unknown): Promise<Step> {
    return this.serialize(async () => {
      await this.close();
      throw error;
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using` support: leaving the scope stops reading, like `return`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  private take(): ThreadEvent {
    const event = this.batch[this.index++]!;
    if (event.type === "thread.started") this.request.onThreadId(event.thread_id);
    this.observer?.event(event);
    return event;
  }

  private serialize(step: () => Promise<Step>): Promise<Step> {
    const run = (this.waiting ?? Promise.resolve()).then(step, step);
    const settled = run.finally(() => {
      if (this.waiting === settled) this.waiting = undefined;
    });
    this.waiting = settled;
    return settled;
  }

  private async advance(): Promise<Step> {
    if (this.finished) return { done: true, value: undefined as never };
    try {
      this.turn ??= startTurn(this.request);
      const turn = await this.turn;
      while (this.index >= this.batch.length) {
        const batch = await turn.queue.take();
        if (!batch) return await this.finish(turn);
        this.batch = batch;
        this.index = 0;
      }
      return { done: false, value: this.take() };
    } catch (error) {
      this.finished = true;
      this.observer?.end({ error });
      throw error;
    }
  }

  private async finish(turn: StartedTurn): Promise<Step> {
    this.finished = true;
    const result = await turn.end();
    this.observer?.end({ result });
    if (result.status === "failed") throw result.error;
    return { done: true, value: result };
  }

  private async close(): Promise<Step> {
    if (!this.finished) {
      this.finished = true;
      this.batch = [];
      if (!this.turn) this.request.control?.ended(); // Left before it started: it never will.
      const turn = await this.turn?.catch(() => undefined);
      const result = await turn?.end();
      try {
        this.observer?.end(
          result ? { result } : { error: new AbortError("The turn's events were not read.") },
        );
      } catch {
        // The consumer left: how the turn ended is for `result`, not for `return()`.
      }
    }
    return { done: true, value: undefined as never };
  }
}
