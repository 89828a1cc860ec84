/* The text of items still being written (`item.delta`), kept apart from the event history. */

/** One item's text so far, as the page grows it in place. */
export type LiveText = {
  threadKey: string;
  itemId: string;
  /** What is being written: `agent_message`, `reasoning_summary`, `command_output`… */
  kind: string;
  /** Which turn of its thread (1 for the first). */
  turn: number;
  /** Its last `LIVE_TEXT_KEPT` characters: what was written last. */
  text: string;
  /** How many characters were written in all. */
  written: number;
  /** When it last grew (ms since the epoch). */
  at: number;
};

/** What a flush tells the page: text appended to an item since the last one. */
export type LiveAppend = Omit<LiveText, "text"> & { append: string };

/** The most items written at once kept per thread (the oldest goes first). */
export const LIVE_ITEMS_KEPT = 20;
/** The most characters kept of one item's text: its last ones (the rest is counted, not kept). */
export const LIVE_TEXT_KEPT = 20_000;
/** How often appended text is sent on: a flood of deltas becomes a few messages a second. */
export const LIVE_FLUSH_MS = 100;

/**
 * The items being written, per thread, each bounded: deltas grow an item's text instead of
 * adding events, so a long answer cannot push a turn's commands and approvals out of the history.
 * Appends are batched and handed to `onFlush` at most every `LIVE_FLUSH_MS`; an item is dropped
 * once it completes (its completed event carries the whole text).
 */
export class LiveTexts {
  private readonly threads = new Map<string, Map<string, LiveText>>();
  private pending = new Map<string, LiveAppend>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onFlush: (appends: LiveAppend[]) => void) {}

  /** Adds `delta` to the text of item `itemId` of thread `threadKey`. */
  append(threadKey: string, itemId: string, kind: string, turn: number, delta: string): void {
    let items = this.threads.get(threadKey);
    if (!items) this.threads.set(threadKey, (items = new Map()));
    let item = items.get(itemId);
    if (!item) {
      item = { threadKey, itemId, kind, turn, text: "", written: 0, at: 0 };
      items.set(itemId, item);
      if (items.size > LIVE_ITEMS_KEPT) items.delete(items.keys().next().value!);
    }
    item.text = (item.text + delta).slice(-LIVE_TEXT_KEPT);
    item.written += delta.length;
    item.at = Date.now();
    const key = `${threadKey}\u0000${itemId}`;
    const queued = this.pending.get(key);
    const { written, at } = item;
    if (queued) {
      queued.append = (queued.append + delta).slice(-LIVE_TEXT_KEPT);
      Object.assign(queued, { written, at });
    } else
      this.pending.set(key, {
        threadKey,
        itemId,
        kind,
        turn,
        written,
        at,
        append: delta.slice(-LIVE_TEXT_KEPT),
      });
    this.timer ??= setTimeout(() => this.flush(), LIVE_FLUSH_MS).unref();
  }

  /** Item `itemId` of `threadKey` is complete: its live text goes, and what was not sent of it. */
  complete(threadKey: string, itemId: string): void {
    this.threads.get(threadKey)?.delete(itemId);
    this.pending.delete(`${threadKey}\u0000${itemId}`);
  }

  /** An attempt of `threadKey` ended: what it was writing will not complete, and goes. */
  endAttempt(threadKey: string): void {
    this.threads.delete(threadKey);
    for (const key of this.pending.keys())
      if (key.startsWith(`${threadKey}\u0000`)) this.pending.delete(key);
  }

  /** Forgets threads `keep` says no longer belong. */
  prune(keep: (threadKey: string) => boolean): void {
    for (const key of this.threads.keys()) if (!keep(key)) this.threads.delete(key);
  }

  /** Every item being written, by thread. */
  all(): Record<string, LiveText[]> {
    return Object.fromEntries(
      [...this.threads].map(([key, items]) => [key, [...items.values()].map((i) => ({ ...i }))]),
    );
  }

  /** Stops flushing; what was pending is dropped. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const appends = [...this.pending.values()];
    this.pending = new Map();
    if (appends.length > 0) this.onFlush(appends);
  }
}
