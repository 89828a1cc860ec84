import type { FlowControl } from "../actors/flow-control.js";

/** How many undelivered batches make the queue hold back the producer, and let it go on again. */
export type QueueLimits = { highWater: number; lowWater: number };

const DEFAULT_LIMITS: QueueLimits = { highWater: 8, lowWater: 2 };

/**
 * Batches of events between the exec actor and the consumer of `runStreamed`. It never grows
 * past `highWater` batches by much: there it pauses the producer through `FlowControl`.
 */
export class EventQueue<T> {
  private readonly batches: T[][] = [];
  private waiting?: () => void;
  private ended = false;
  /** Since when batches have waited for a reader (null while the reader keeps up). */
  private unreadSince: number | null = null;

  constructor(
    readonly flow: FlowControl,
    private readonly limits: QueueLimits = DEFAULT_LIMITS,
  ) {}

  /** Adds a batch from the producer. */
  push(batch: T[]): void {
    if (batch.length === 0) return;
    if (this.batches.length === 0) this.unreadSince = Date.now();
    this.batches.push(batch);
    if (this.batches.length >= this.limits.highWater) this.flow.pause();
    this.wake();
  }

  /** No more batches will come. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** The next batch, or undefined once the queue has ended and is empty. */
  async take(): Promise<T[] | undefined> {
    while (this.batches.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    const batch = this.batches.shift();
    this.unreadSince = this.batches.length > 0 ? Date.now() : null;
    if (this.batches.length <= this.limits.lowWater) this.flow.resume();
    return batch;
  }

  /** How long batches have waited with nobody reading them: 0 while the reader keeps up. */
  unreadForMs(now = Date.now()): number {
    return this.unreadSince === null ? 0 : now - this.unreadSince;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
