import {
  TurnInterruptedError,
  TurnNotRunningError,
  UnsupportedError,
} from "../types/app-server-errors.js";
import type { TransportName } from "../types/app-server.js";
import type { CodexError } from "../types/errors.js";
import type { Input } from "../types/options.js";

/** What a running attempt lends its turn's control: how to add input to it. */
export type SteerHandler = (input: Input) => Promise<void>;

/**
 * The handle of one streamed turn for talking to it while it runs: `steer` adds input to the
 * running turn (app-server only; it waits while the turn is being started, e.g. queued or
 * between restarts), `interrupt` stops it on either transport. The running attempt lends its
 * steer handler; the turn's start lends how to cancel it.
 */
export class TurnControl {
  #steer: SteerHandler | null = null;
  #whenSteerable: Array<(handler: SteerHandler | null) => void> = [];
  #cancel: ((error: CodexError) => void) | null = null;
  #interrupted: TurnInterruptedError | null = null;
  #ended = false;
  #settled: Promise<void>;
  #settle!: () => void;

  constructor(readonly transport: TransportName) {
    this.#settled = new Promise((resolve) => (this.#settle = resolve));
  }

  /** Adds input to the running turn; the model sees it in its next request. */
  async steer(input: Input): Promise<void> {
    if (this.transport !== "app-server") throw new UnsupportedError("turn.steer()", "app-server");
    if (this.#ended) throw new TurnNotRunningError("has ended");
    const handler =
      this.#steer ?? (await new Promise<SteerHandler | null>((r) => this.#whenSteerable.push(r)));
    if (!handler) throw new TurnNotRunningError("ended before it could be steered");
    await handler(input);
  }

  /**
   * Stops the turn (exec: its process; app-server: `turn/interrupt`); its events then end with
   * `TurnInterruptedError`, and it is not restarted. Resolves once the turn has settled.
   */
  async interrupt(): Promise<void> {
    this.#interrupted ??= new TurnInterruptedError("turn.interrupt() was called");
    if (!this.#cancel) return; // Not started: the start sees the request and ends at once.
    this.#cancel(this.#interrupted);
    await this.#settled;
  }

  /** @internal The interrupt asked for before the turn started, if any. */
  get interruptRequested(): TurnInterruptedError | null {
    return this.#interrupted;
  }

  /** @internal The turn started: how to cancel it. */
  started(cancel: (error: CodexError) => void): void {
    this.#cancel = cancel;
  }

  /** @internal An attempt runs and can be steered (null: it no longer can). */
  lendSteer(handler: SteerHandler | null): void {
    this.#steer = handler;
    if (handler) for (const waiter of this.#whenSteerable.splice(0)) waiter(handler);
  }

  /** @internal The turn has settled. */
  ended(): void {
    this.#ended = true;
    this.#steer = null;
    for (const waiter of this.#whenSteerable.splice(0)) waiter(null);
    this.#settle();
  }
}
