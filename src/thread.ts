import { checkTurnOptions } from "./codex-options.js";
import type { CodexRuntime } from "./codex-runtime.js";
import type { ThreadActorRef } from "./machines/thread.machine.js";
import { OutputValidator } from "./output/output-validator.js";
import type { TurnResult } from "./supervision/turn-job.js";
import { TurnEvents } from "./turn/turn-events.js";
import { CodexExitError } from "./types/errors.js";
import type { ThreadEvent, Usage } from "./types/events.js";
import type { ThreadItem } from "./types/items.js";
import type { Input, ThreadOptions, TurnOptions } from "./types/options.js";
import type { StreamedTurn, Turn } from "./types/turn.js";

/**
 * A conversation with the agent: consecutive turns that continue one codex thread. Turns asked
 * for while one runs wait in the thread's mailbox and run one at a time, in call order.
 */
export class Thread {
  private _id: string | null;

  /** @internal Threads are made by `Codex.startThread` and `Codex.resumeThread`. */
  constructor(
    private readonly runtime: CodexRuntime,
    /** The thread's supervisor actor (xstate): mailbox, restarts, and the exec actor of the turn in hand. */
    readonly actor: ThreadActorRef,
    private readonly options: ThreadOptions,
    id: string | null,
  ) {
    this._id = id;
  }

  /** The thread's id: null until the first turn reports `thread.started`. */
  get id(): string | null {
    return this._id;
  }

  /**
   * Runs a turn and streams its events as codex reports them (with `turn.restarted` before each
   * restart). Invalid options reject here, before any process starts; a failed turn is thrown
   * by the generator after its events.
   */
  async runStreamed(input: Input, turnOptions: TurnOptions = {}): Promise<StreamedTurn> {
    this.check(turnOptions);
    return { events: this.events(input, turnOptions) };
  }

  /**
   * Runs a turn to its end. With `outputSchema`, the final response is parsed and validated
   * into `output` (typed `T`), or the turn rejects with `OutputValidationError`.
   */
  async run<T = unknown>(input: Input, turnOptions: TurnOptions = {}): Promise<Turn<T>> {
    const validator = this.check<T>(turnOptions);
    const items: ThreadItem[] = [];
    let finalResponse = "";
    let usage: Usage | undefined;
    const events = this.events(input, turnOptions);
    let next = await events.next();
    for (; !next.done; next = await events.next()) {
      const event = next.value;
      if (event.type === "item.completed") {
        if (event.item.type === "agent_message") finalResponse = event.item.text;
        items.push(event.item);
      } else if (event.type === "turn.completed") {
        usage = event.usage;
      } else if (event.type === "turn.restarted") {
        items.length = 0;
        finalResponse = "";
      }
    }
    if (!usage)
      throw new CodexExitError(0, null, "", "codex ended the turn without reporting usage.");
    const turn: Turn<T> = { items, finalResponse, usage, attempts: next.value.attempts };
    if (validator) turn.output = validator.parse(finalResponse);
    return turn;
  }

  private check<T>(turnOptions: TurnOptions): OutputValidator<T> | undefined {
    checkTurnOptions(turnOptions);
    const { outputSchema } = turnOptions;
    return outputSchema === undefined ? undefined : new OutputValidator<T>(outputSchema);
  }

  private events(input: Input, turn: TurnOptions): AsyncGenerator<ThreadEvent, TurnResult> {
    return new TurnEvents({
      thread: this.actor,
      binary: this.runtime.binary(),
      input,
      turn,
      onThreadId: (id) => (this._id = id),
      stalledStreamWarningMs: this.runtime.stalledStreamWarningMs,
    });
  }
}
