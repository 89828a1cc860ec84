import { checkThreadOptions, checkTurnOptions } from "./codex-options.js";
import type { CodexRuntime } from "./codex-runtime.js";
import type { ThreadActorRef } from "./machines/thread.machine.js";
import { capabilitiesOf, unsupported } from "./root-machines.js";
import { OutputValidator } from "./output/output-validator.js";
import type { TurnResult } from "./supervision/turn-job.js";
import type { ToolRoute } from "./tools/tool-route.js";
import { TurnCollector, type TurnObserver } from "./turn/turn-collector.js";
import { TurnControl } from "./turn/turn-control.js";
import type { EventOf, OnAppServer, TransportName } from "./types/app-server.js";
import { InvalidOptionError } from "./types/errors.js";
import { TurnEvents } from "./turn/turn-events.js";
import type { ThreadEvent } from "./types/events.js";
import type { Input, ThreadOptions, TurnOptions } from "./types/options.js";
import type { OutputSchema, SchemaOutput } from "./types/schema-output.js";
import type { StreamedTurnWithResult, StructuredTurn, Turn } from "./types/turn.js";

/**
 * A conversation with the agent: consecutive turns that continue one codex thread. Turns asked
 * for while one runs wait in the thread's mailbox and run one at a time, in call order.
 */
export class Thread<X extends TransportName = "exec"> {
  private _id: string | null;

  /** @internal Threads are made by `Codex.startThread` and `Codex.resumeThread`. */
  constructor(
    private readonly runtime: CodexRuntime,
    private readonly currentActor: () => ThreadActorRef,
    private readonly options: ThreadOptions,
    id: string | null,
    private readonly resume: (
      id: string,
      options: ThreadOptions,
      route: ToolRoute | null,
    ) => Thread<X>,
    private readonly tools: ToolRoute | null,
  ) {
    this._id = id;
  }

  /**
   * A new thread with this one's history (app-server transport: a type error on another, where
   * it rejects with `UnsupportedError`), under `options` (by default this thread's). Throws
   * `InvalidOptionError` before the thread's first turn has reported its id.
   */
  async fork(this: OnAppServer<X, Thread<X>>, options?: ThreadOptions): Promise<Thread<X>> {
    const self = this as Thread<X>;
    const admin = self.runtime.admin("thread.fork()");
    const forked = options ?? self.options;
    checkThreadOptions(forked, self.runtime.options);
    const answered = (forked.onApproval ?? self.runtime.options.onApproval) !== undefined;
    const from = self.startedId("fork()");
    // The fork's tools are served first: codex loads the fork with the config that reaches them.
    const { tools } = self.runtime;
    const route = tools.routeFor(forked);
    try {
      if (route) await tools.serve(route);
      const id = await admin.fork(from, forked, answered, route?.config ?? null);
      return self.resume(id, forked, route);
    } catch (error) {
      if (route) tools.release(route);
      throw error;
    }
  }

  /** Archives the thread: `listThreads()` shows it only with `archived: true` (app-server). */
  async archive(this: OnAppServer<X, Thread<X>>): Promise<void> {
    const self = this as Thread<X>;
    await self.runtime.admin("thread.archive()").setArchived(self.startedId("archive()"), true);
  }

  /** Restores an archived thread (app-server transport). */
  async unarchive(this: OnAppServer<X, Thread<X>>): Promise<void> {
    const self = this as Thread<X>;
    const admin = self.runtime.admin("thread.unarchive()");
    await admin.setArchived(self.startedId("unarchive()"), false);
  }

  /** Names the thread, as `listThreads()` then shows it (app-server transport). */
  async setName(this: OnAppServer<X, Thread<X>>, name: string): Promise<void> {
    if (typeof name !== "string" || name.trim() === "")
      throw new InvalidOptionError(
        "name",
        `expected a non-empty string, got ${JSON.stringify(name)}`,
      );
    const self = this as Thread<X>;
    await self.runtime.admin("thread.setName()").setName(self.startedId("setName()"), name);
    // Its actor keeps the name too: the snapshot and the devtools page label the thread by it.
    self.actor.send({ type: "thread.named", name });
  }

  /**
   * Deletes the thread from codex's store — its session file and state — and from the
   * app-server's memory (app-server transport). It cannot be resumed afterwards, unless its
   * session file is written back (as a distributed worker does when the thread moved).
   */
  async delete(this: OnAppServer<X, Thread<X>>): Promise<void> {
    const self = this as Thread<X>;
    await self.runtime.admin("thread.delete()").delete(self.startedId("delete()"));
  }

  /** The thread's tools, served before its turn is queued; null when it has none. */
  private toolsOfTurn() {
    const route = this.tools;
    if (!route) return null;
    return { route, serve: () => this.runtime.tools.serve(route) };
  }

  private startedId(what: string): string {
    if (this._id === null)
      throw new InvalidOptionError(
        "thread",
        `${what} needs the thread's id, which its first turn reports; run a turn first`,
      );
    return this._id;
  }

  /**
   * The thread's supervisor actor (xstate): mailbox, restarts, and the attempt actor of the turn
   * in hand. A new one takes the place of one that failed (its turns failed with `InternalError`).
   */
  get actor(): ThreadActorRef {
    return this.currentActor();
  }

  /** The thread's id: null until the first turn reports `thread.started`. */
  get id(): string | null {
    return this._id;
  }

  /**
   * Runs a turn and streams its events as codex reports them (with `turn.restarted` before each
   * restart); `result` is the `Turn` they add up to. Invalid options reject here, before any
   * process starts; a failed turn is thrown by the generator after its events. The turn keeps its
   * items for `result` only once `result` is read: read it before iterating (destructure it).
   */
  runStreamed<const S extends OutputSchema>(
    input: Input,
    turnOptions: TurnOptions & { outputSchema: S },
  ): Promise<StreamedTurnWithResult<SchemaOutput<S>, EventOf<X>, StructuredTurn<SchemaOutput<S>>>>;
  runStreamed<T>(
    input: Input,
    turnOptions: TurnOptions & { outputSchema: object },
  ): Promise<StreamedTurnWithResult<T, EventOf<X>, StructuredTurn<T>>>;
  runStreamed<T = unknown>(
    input: Input,
    turnOptions?: TurnOptions,
  ): Promise<StreamedTurnWithResult<T, EventOf<X>>>;
  async runStreamed<T = unknown>(
    input: Input,
    turnOptions: TurnOptions = {},
  ): Promise<StreamedTurnWithResult<T, EventOf<X>>> {
    const collector = this.collector<T>(turnOptions, false);
    const { transport } = this.runtime.options;
    const control = new TurnControl(
      unsupported(transport, "steer", "turn.steer()"),
      turnOptions.signal,
    );
    return {
      // On the app-server the stream also carries its own events (typed by `X`).
      events: this.events(input, turnOptions, collector, control) as AsyncGenerator<EventOf<X>>,
      get result() {
        collector.collectItems();
        return collector.result;
      },
      steer: (more) => control.steer(more),
      interrupt: () => control.interrupt(),
    };
  }

  /**
   * Runs a turn to its end. With `outputSchema`, `output` parses and validates the final response
   * (typed `T`) when first read, and throws `OutputValidationError` there; the turn resolves as
   * the official SDK's does. With `rejectInvalidOutput`, the turn rejects instead.
   */
  run<const S extends OutputSchema>(
    input: Input,
    turnOptions: TurnOptions & { outputSchema: S },
  ): Promise<StructuredTurn<SchemaOutput<S>>>;
  run<T>(
    input: Input,
    turnOptions: TurnOptions & { outputSchema: object },
  ): Promise<StructuredTurn<T>>;
  run<T = unknown>(input: Input, turnOptions?: TurnOptions): Promise<Turn<T>>;
  async run<T = unknown>(input: Input, turnOptions: TurnOptions = {}): Promise<Turn<T>> {
    const collector = this.collector<T>(turnOptions);
    const events = this.events(input, turnOptions, collector);
    while (!(await events.next()).done);
    return collector.result;
  }

  private collector<T>(turnOptions: TurnOptions, keepItems = true): TurnCollector<T> {
    checkTurnOptions(turnOptions, this.runtime.options.transport);
    const { outputSchema, rejectInvalidOutput } = turnOptions;
    const validator = outputSchema === undefined ? undefined : new OutputValidator<T>(outputSchema);
    return new TurnCollector<T>(validator, rejectInvalidOutput === true, keepItems);
  }

  private events(
    input: Input,
    turn: TurnOptions,
    collector: TurnObserver,
    control?: TurnControl,
  ): AsyncGenerator<ThreadEvent, TurnResult> {
    return new TurnEvents(
      {
        thread: this.actor,
        binary: this.runtime.binary(),
        schemaAsFile: capabilitiesOf(this.runtime.options.transport).outputSchemaFile,
        input,
        turn,
        onThreadId: (id) => {
          this._id = id;
          if (this.tools) this.tools.threadId = id;
        },
        tools: this.toolsOfTurn(),
        stalledStreamWarningMs: this.runtime.stalledStreamWarningMs,
        openTurns: this.runtime.openTurns,
        control,
        source: {
          transport: this.runtime.options.transport ?? "exec",
          model: this.options.model,
          sandbox: this.options.sandboxMode,
          threadId: this._id,
        },
      },
      collector,
    );
  }
}
