import {
  TurnInterruptedError,
  TurnNotRunningError,
  type UnsupportedError,
} from "../types/app-server-errors.js";
import type { CodexError } from "../types/errors.js";
import type { Input } from "../types/options.js";

/** What a running attempt lends its turn's control: how to add input to it. */
export type SteerHandler = (input: Input) => Promise<void>;

/**
 * The handle of one streamed turn for talking to it while it runs: `steer` adds input to the
 * running turn (where the transport can steer; it waits while the turn is being started, e.g. queued or
 * between restarts), `interrupt` stops it on either transport. The running attempt lends its
 * steer handler; the turn's start lends how to cancel it. Once the turn has ended, is being
 * interrupted, or its signal aborted, a steer rejects at once: it will never run again.
 */
export class TurnControl {
  #steer: SteerHandler | null = null;
  #whenSteerable: Array<(handler: SteerHandler | null) => void> = [];
  #cancel: ((error: CodexError) => void) | null = null;
  #interrupted: TurnInterruptedError | null = null;
  /** Why the turn can no longer be steered, once it cannot. */
  #over: string | null = null;
  #stopListening: () => void = () => undefined;
  #settled: Promise<void>;
  #settle!: () => void;

  constructor(
    /** Why `steer` is refused on this turn's transport, if it is. */
    private readonly steerUnsupported: UnsupportedError | null,
    /** The turn's `signal`: once it aborts, the turn is not steered any more. */
    signal?: AbortSignal,
  ) {
    this.#settled = new Promise((resolve) => (this.#settle = resolve));
    if (signal?.aborted) this.#close("was aborted");
    else if (signal) {
      const onAbort = () => this.#close("was aborted");
      signal.addEventListener("abort", onAbort, { once: true });
      this.#stopListening = () => signal.removeEventListener("abort", onAbort);
    }
  }

  /** Adds input to the running turn; the model sees it in its next request. */
  async steer(input: Input): Promise<void> {
    if (this.steerUnsupported) throw this.steerUnsupported;
    if (this.#over) throw new TurnNotRunningError(this.#over);
    const handler =
      this.#steer ?? (await new Promise<SteerHandler | null>((r) => this.#whenSteerable.push(r)));
    if (!handler) throw new TurnNotRunningError(this.#over ?? "ended before it could be steered");
    await handler(input);
  }

  /**
   * Stops the turn (exec: its process; app-server: `turn/interrupt`); its events then end with
   * `TurnInterruptedError`, and it is not restarted. Resolves once the turn has settled.
   */
  async interrupt(): Promise<void> {
    this.#interrupted ??= new TurnInterruptedError("turn.interrupt() was called");
    this.#close("was interrupted");
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
    if (this.#over) return;
    this.#steer = handler;
    if (handler) for (const waiter of this.#whenSteerable.splice(0)) waiter(handler);
  }

  /** @internal The turn has settled (or will never start). */
  ended(): void {
    this.#close("has ended");
    this.#stopListening();
    this.#settle();
  }

  /** No steer reaches the turn from now on; those waiting for it reject. */
  #close(why: string): void {
    this.#over ??= why;
    this.#steer = null;
    for (const waiter of this.#whenSteerable.splice(0)) waiter(null);
  }
}
