import { randomUUID } from "node:crypto";
import { OutputValidator } from "../output/output-validator.js";
import { TurnCollector, type TurnObserver } from "../turn/turn-collector.js";
import type { ThreadEvent } from "../types/events.js";
import type { Input, ThreadOptions, TurnOptions } from "../types/options.js";
import type { OutputSchema, SchemaOutput } from "../types/schema-output.js";
import type { StructuredTurn, Turn } from "../types/turn.js";
import { checkTurnOptionValues } from "../option-values.js";
import { remoteTurn, type ProducerLink } from "./remote-turn.js";
import { interruptRemoteTurn, steerRemoteTurn } from "./ask-running-turn.js";
import { TurnInterruptedError, TurnNotRunningError } from "../types/app-server-errors.js";
import { INTERRUPTED_BY_PRODUCER } from "./turn-record.js";
import {
  JOB_THREAD_OPTIONS,
  JOB_TURN_OPTIONS,
  jobOptions,
  type JobThreadOptions,
  type JobTurnOptions,
} from "./turn-job.js";

/** What `runStreamed()` of a distributed thread returns: the worker's events, and their `Turn`. */
export type RemoteStreamedTurn<T = unknown> = {
  /** The turn's id in the queue: `Codex.attach(turnId)` follows it from any producer. */
  turnId: string;
  /** The turn's events as its worker streams them, from the first; ends with the turn. */
  events: AsyncGenerator<ThreadEvent>;
  /** The `Turn` the events add up to; settles once `events` has been read to its end. */
  result: Promise<Turn<T>>;
  /**
   * Adds input to the turn on its worker; the model sees it in its next request (app-server
   * workers; an exec worker rejects with `UnsupportedError`). Waits while the turn is enqueued
   * and until a worker runs it; rejects with `TurnNotRunningError` once it has ended.
   */
  steer: (input: Input) => Promise<void>;
  /**
   * Stops the turn, wherever it is: its events end with `TurnInterruptedError`, it is not
   * restarted. Resolves once its end is in the queue (at once if it had ended; before it was
   * enqueued, it never will be).
   */
  interrupt: () => Promise<void>;
};

/**
 * A conversation whose turns run on the queue's workers. Turns asked for on one thread run one
 * at a time in call order: each is enqueued once the one before it has ended here, and the
 * workers run a thread's turns in the order they were enqueued, by any producer.
 */
export class Thread {
  private _id: string | null;
  private tail: Promise<void> = Promise.resolve();

  /** @internal Threads are made by `Codex.startThread` and `Codex.resumeThread`. */
  constructor(
    private readonly link: () => Promise<ProducerLink>,
    private readonly options: JobThreadOptions,
    id: string | null,
  ) {
    this._id = id;
  }

  /** The thread's id: null until its first turn reports `thread.started`. */
  get id(): string | null {
    return this._id;
  }

  /**
   * Runs a turn on a worker and streams its events. The turn is enqueued when `events` is first
   * read (after the thread's turns before it); a failed turn is thrown by the generator after
   * its events, as the worker's own error class.
   */
  runStreamed<const S extends OutputSchema>(
    input: Input,
    turnOptions: TurnOptions & { outputSchema: S },
  ): Promise<RemoteStreamedTurn<SchemaOutput<S>>>;
  runStreamed<T = unknown>(input: Input, turnOptions?: TurnOptions): Promise<RemoteStreamedTurn<T>>;
  async runStreamed<T = unknown>(
    input: Input,
    turnOptions: TurnOptions = {},
  ): Promise<RemoteStreamedTurn<T>> {
    const collector = turnCollector<T>(turnOptions);
    const turnId = randomUUID();
    const queued = whenQueued();
    return {
      turnId,
      events: this.events(turnId, input, turnOptions, collector, queued),
      result: collector.result,
      steer: async (more) => {
        await queued.promise; // waits while it is enqueued; rejects if it never is
        await steerRemoteTurn(await this.link(), turnId, more);
      },
      interrupt: async () => {
        // Not in the queue yet: it never will be (its events end with TurnInterruptedError).
        if (!queued.entered) {
          queued.interruptedEarly = true;
          queued.never(); // a steer waiting for it gives up
          return;
        }
        const enqueued = await queued.promise.then(
          () => true,
          () => false,
        );
        if (enqueued) await interruptRemoteTurn(await this.link(), turnId);
      },
    };
  }

  /** Runs a turn on a worker to its end: the same `Turn` as the main entry's `run()`. */
  run<const S extends OutputSchema>(
    input: Input,
    turnOptions: TurnOptions & { outputSchema: S },
  ): Promise<StructuredTurn<SchemaOutput<S>>>;
  run<T = unknown>(input: Input, turnOptions?: TurnOptions): Promise<Turn<T>>;
  async run<T = unknown>(input: Input, turnOptions: TurnOptions = {}): Promise<Turn<T>> {
    const collector = turnCollector<T>(turnOptions);
    const events = this.events(randomUUID(), input, turnOptions, collector, whenQueued());
    while (!(await events.next()).done);
    return collector.result;
  }

  private async *events(
    turnId: string,
    input: Input,
    turnOptions: TurnOptions,
    collector: TurnObserver,
    queued: Queued,
  ): AsyncGenerator<ThreadEvent> {
    const turn = jobOptions(
      turnOptions,
      JOB_TURN_OPTIONS,
      ["signal", "rejectInvalidOutput"],
      "turn",
    ) as JobTurnOptions;
    const before = this.tail;
    let done!: () => void;
    this.tail = new Promise((resolve) => (done = resolve));
    let until: Promise<unknown> = Promise.resolve();
    try {
      await before;
      if (queued.interruptedEarly) throw new TurnInterruptedError(INTERRUPTED_BY_PRODUCER);
      const link = await this.link();
      if (queued.interruptedEarly) throw new TurnInterruptedError(INTERRUPTED_BY_PRODUCER);
      queued.entered = true;
      const data = { turnId, threadId: this._id, thread: this.options, input, turn };
      const onThreadId = (id: string) => (this._id = id);
      const hold = (settled: Promise<string | null>) =>
        (until = settled.then((id) => {
          if (id !== null && this._id === null) this._id = id;
        }));
      const turnRef = { turnId: data.turnId, job: data, enqueued: queued.resolve };
      yield* remoteTurn(link, turnRef, collector, onThreadId, turnOptions.signal, hold);
    } catch (error) {
      collector.end({ error });
      throw error;
    } finally {
      queued.never(); // not enqueued by now: it never will be
      // The next turn of the thread starts once this one has ended, followed to its end or not.
      void until.then(done, done);
    }
  }
}

/**
 * Where a streamed turn is on its way to the queue: `entered` once its events started enqueueing
 * it; `promise` resolves once its job is in the queue, rejects if it never will be;
 * `interruptedEarly` when `interrupt()` came before it entered (it is then never enqueued).
 */
type Queued = {
  promise: Promise<void>;
  resolve: () => void;
  never: () => void;
  entered: boolean;
  interruptedEarly: boolean;
};

function whenQueued(): Queued {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
  promise.catch(() => undefined); // nobody may ask
  return {
    promise,
    resolve,
    never: () => reject(new TurnNotRunningError("was never enqueued")),
    entered: false,
    interruptedEarly: false,
  };
}

/** A followed turn's `steer` and `interrupt` (`attach`): it is in the queue already. */
export function remoteControls(
  link: () => Promise<ProducerLink>,
  turnId: string,
): Pick<RemoteStreamedTurn, "steer" | "interrupt"> {
  return {
    steer: async (input) => steerRemoteTurn(await link(), turnId, input),
    interrupt: async () => interruptRemoteTurn(await link(), turnId),
  };
}

/** Adds a remote turn's events up into its `Turn` (the options checked, the output validated). */
export function turnCollector<T>(turnOptions: TurnOptions): TurnCollector<T> {
  // The worker's `Codex` checks them again, against its transport.
  checkTurnOptionValues(turnOptions);
  const { outputSchema, rejectInvalidOutput } = turnOptions;
  const validator = outputSchema === undefined ? undefined : new OutputValidator<T>(outputSchema);
  return new TurnCollector<T>(validator, rejectInvalidOutput === true);
}

/** The thread options of `options` a job carries; throws `InvalidOptionError` for the others. */
export const threadJobOptions = (options: ThreadOptions): JobThreadOptions =>
  jobOptions(options, JOB_THREAD_OPTIONS, [], "thread") as JobThreadOptions;
