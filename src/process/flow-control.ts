/** Something whose data can be held back: the child's stdout. */
export type Pausable = { pause(): unknown; resume(): unknown };

/**
 * Connects a consumer that falls behind to the stream feeding it: `pause()` stops reading the
 * child's stdout (the pipe fills and codex waits), `resume()` reads on.
 */
export class FlowControl {
  private source?: Pausable;
  private paused = false;

  /** Connects the stream to hold back; it starts paused if the consumer is already behind. */
  attach(source: Pausable): void {
    this.source = source;
    if (this.paused) source.pause();
  }

  /** Stops reading. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.source?.pause();
  }

  /** Reads on. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.source?.resume();
  }
}
