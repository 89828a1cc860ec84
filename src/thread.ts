import { OutputValidator } from "./output/output-validator.js";
import type { CodexRuntime } from "./codex-runtime.js";
import { streamTurn } from "./turn/run-turn.js";
import type { ThreadEvent, Usage } from "./types/events.js";
import type { ThreadItem } from "./types/items.js";
import type { Input, ThreadOptions, TurnOptions } from "./types/options.js";
import type { StreamedTurn, Turn } from "./types/turn.js";
import { CodexExitError } from "./types/errors.js";

/** A conversation with the agent: consecutive turns that continue one codex thread. */
export class Thread {
  private _id: string | null;

  /** @internal Threads are made by `Codex.startThread` and `Codex.resumeThread`. */
  constructor(
    private readonly runtime: CodexRuntime,
    private readonly options: ThreadOptions,
    id: string | null = null,
  ) {
    this._id = id;
  }

  /** The thread's id: null until the first turn reports `thread.started`. */
  get id(): string | null {
    return this._id;
  }

  /**
   * Runs a turn and streams its events as codex reports them. An invalid `outputSchema` rejects
   * here, before any process starts; a failure of the turn is thrown by the generator.
   */
  async runStreamed(input: Input, turnOptions: TurnOptions = {}): Promise<StreamedTurn> {
    if (turnOptions.outputSchema !== undefined) new OutputValidator(turnOptions.outputSchema);
    return { events: this.events(input, turnOptions) };
  }

  /**
   * Runs a turn to its end. With `outputSchema`, the final response is parsed and validated
   * into `output` (typed `T`), or the turn rejects with `OutputValidationError`.
   */
  async run<T = unknown>(input: Input, turnOptions: TurnOptions = {}): Promise<Turn<T>> {
    const validator =
      turnOptions.outputSchema === undefined
        ? undefined
        : new OutputValidator<T>(turnOptions.outputSchema);
    const items: ThreadItem[] = [];
    let finalResponse = "";
    let usage: Usage | undefined;
    for await (const event of this.events(input, turnOptions)) {
      if (event.type === "item.completed") {
        if (event.item.type === "agent_message") finalResponse = event.item.text;
        items.push(event.item);
      } else if (event.type === "turn.completed") {
        usage = event.usage;
      }
    }
    if (!usage)
      throw new CodexExitError(0, null, "", "codex ended the turn without reporting usage.");
    const turn: Turn<T> = { items, finalResponse, usage };
    if (validator) turn.output = validator.parse(finalResponse);
    return turn;
  }

  private events(input: Input, turn: TurnOptions): AsyncGenerator<ThreadEvent> {
    return streamTurn({
      ...this.runtime.turnSettings(),
      thread: this.options,
      turn,
      threadId: this._id,
      input,
      onThreadId: (id) => (this._id = id),
    });
  }
}
