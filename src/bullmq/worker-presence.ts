import type { Queue } from "bullmq";
import { bounded } from "./bounded.js";

/** How often the queue's workers are listed at most, in ms. */
const LIST_EVERY_MS = 1_000;

/** How long one listing may take, in ms. */
const LIST_TIMEOUT_MS = 5_000;

/**
 * Whether the queue has had no worker for too long, as a producer sees it: the workers' Redis
 * connections are listed (`CLIENT LIST`, at most once a second whoever asks), and the time since
 * none was seen counts. A listing Redis refuses (managed Redis) or does not answer tells nothing:
 * the count starts again, so a turn is never given up on for want of a listing.
 */
export class WorkerPresence {
  private noneSince: number | undefined;
  private listing: Promise<void> | undefined;
  private listedAt = 0;

  constructor(
    private readonly queue: Queue,
    /** How long the queue may have no worker, in ms. */
    readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether no worker has been seen for `timeoutMs` or more. */
  async absentTooLong(): Promise<boolean> {
    if (this.now() - this.listedAt >= LIST_EVERY_MS) this.listing ??= this.list();
    await this.listing;
    return this.noneSince !== undefined && this.now() - this.noneSince >= this.timeoutMs;
  }

  private async list(): Promise<void> {
    try {
      const workers = await bounded(this.queue.getWorkers(), LIST_TIMEOUT_MS);
      if (workers.length > 0) this.noneSince = undefined;
      else this.noneSince ??= this.now();
    } catch {
      this.noneSince = undefined;
    } finally {
      this.listedAt = this.now();
      this.listing = undefined;
    }
  }
}
