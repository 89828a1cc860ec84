import type { FlowControl } from "../process/flow-control.js";
import { EventBacklog } from "./event-backlog.js";

/**
 * How many undelivered batches make the queue hold back the producer (and keep the next ones as
 * JSON), when it lets it go on again, and how much JSON it keeps in memory before spilling.
 */
export type QueueLimits = {
  highWater: number;
  lowWater: number;
  memoryBytes: number;
  /** Where the spill file goes (default: the OS's temp folder). */
  spillDirectory?: string;
};

/** 1 MiB of JSON per turn before its events go to disk. */
export const DEFAULT_QUEUE_LIMITS: QueueLimits = {
  highWater: 8,
  lowWater: 2,
  memoryBytes: 1 << 20,
};

/**
 * Batches of events between a turn's attempt and the consumer of `runStreamed`. Past `highWater`
 * batches it asks the producer to pause through `FlowControl` (exec: codex's stdout is paused),
 * and keeps any batch that still comes in an `EventBacklog` (app-server: the server's stdout is
 * shared and never paused for one turn), so memory stays bounded and nothing is lost.
 */
export class EventQueue<T> {
  private readonly batches: T[][] = [];
  private readonly backlog: EventBacklog<T>;
  private waiting?: () => void;
  private ended = false;
  private closed = false;
  /** Since when batches have waited for a reader (null while the reader keeps up). */
  private unreadSince: number | null = null;

  constructor(
    readonly flow: FlowControl,
    private readonly limits: QueueLimits = DEFAULT_QUEUE_LIMITS,
  ) {
    this.backlog = new EventBacklog(limits.memoryBytes, limits.spillDirectory);
  }

  /** How many batches wait for the reader. */
  get length(): number {
    return this.batches.length + this.backlog.length;
  }

  /** Whether part of what waits is on disk now. */
  get spilled(): boolean {
    return this.backlog.spilled;
  }

  /** Adds a batch from the producer. */
  push(batch: T[]): void {
    if (batch.length === 0 || this.closed) return;
    if (this.length === 0) this.unreadSince = Date.now();
    if (this.batches.length < this.limits.highWater && this.backlog.length === 0) {
      this.batches.push(batch);
    } else {
      this.backlog.push(batch);
    }
    if (this.length >= this.limits.highWater) this.flow.pause();
    this.wake();
  }

  /** No more batches will come. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** The next batch, or undefined once the queue has ended and is empty. */
  async take(): Promise<T[] | undefined> {
    while (this.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    const batch = this.batches.shift() ?? this.backlog.shift();
    this.unreadSince = this.length > 0 ? Date.now() : null;
    if (this.length <= this.limits.lowWater) this.flow.resume();
    return batch;
  }

  /** Drops what was not read and frees its file: the reader has left. */
  close(): void {
    this.closed = true;
    this.batches.length = 0;
    this.backlog.close();
    this.end();
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
