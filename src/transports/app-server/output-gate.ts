import type { Pausable } from "../../actors/flow-control.js";

/** One turn's say in whether the server's output is read: pause, resume, and let go. */
export type OutputHold = Pausable & {
  /** Withdraws this hold's pause for good (the turn's attempt has ended). */
  release(): void;
};

/**
 * The app-server's stdout, shared by every turn on the server: each running turn gets a hold
 * for its consumer's flow control, and the stream is paused while any hold is paused (a
 * consumer that falls behind holds back the server, as it holds back its codex on exec), and
 * read on once none is.
 */
export class OutputGate {
  readonly #stream: Pausable;
  readonly #pausedBy = new Set<object>();

  constructor(stream: Pausable) {
    this.#stream = stream;
  }

  /** A hold for one turn, not pausing to begin with. */
  hold(): OutputHold {
    const token = {};
    let released = false;
    return {
      pause: () => {
        if (!released) this.#set(token, true);
      },
      resume: () => this.#set(token, false),
      release: () => {
        released = true;
        this.#set(token, false);
      },
    };
  }

  /** Whether the server's output is held back now. */
  get paused(): boolean {
    return this.#pausedBy.size > 0;
  }

  #set(token: object, paused: boolean): void {
    const before = this.paused;
    if (paused) this.#pausedBy.add(token);
    else this.#pausedBy.delete(token);
    if (before === this.paused) return;
    if (this.paused) this.#stream.pause();
    else this.#stream.resume();
  }
}
