import type { HistoryRecord } from "../history.js";
import type { LiveAppend, LiveText } from "../live-text.js";
import type { ChartState } from "../statechart.js";
import type { TreeView } from "../tree-view.js";

/* What the page holds: the last tree, the charts of its machines, each thread's history, and the
   text of the items being written. */

/** The `tree` message of the stream (and the first part of `hello`). */
export type TreeMessage = { tree: TreeView; charts: Record<string, ChartState> };

/** The `hello` message: the tree and everything kept so far. */
export type HelloMessage = TreeMessage & {
  history: Record<string, { events: HistoryRecord[]; lifecycle: HistoryRecord[] }>;
  live: Record<string, LiveText[]>;
};

/** The page's state. */
export type PageState = {
  connection: "connecting" | "live" | "lost";
  tree: TreeView | null;
  charts: Record<string, ChartState>;
  events: Record<string, HistoryRecord[]>;
  lifecycle: Record<string, HistoryRecord[]>;
  /** Items being written, by thread key then item id. */
  live: Record<string, Record<string, LiveText>>;
};

export type { ChartState, HistoryRecord, LiveAppend, LiveText, TreeView };

/** As many as the server keeps, so a long-open page stays as light as it. */
const EVENTS_KEPT = 500;
const LIFECYCLE_KEPT = 200;
const LIVE_ITEMS_KEPT = 20;
const LIVE_TEXT_KEPT = 20_000;

/** The state after `hello`. */
export function fromHello(state: PageState, hello: HelloMessage): PageState {
  const events: Record<string, HistoryRecord[]> = {};
  const lifecycle: Record<string, HistoryRecord[]> = {};
  for (const [key, history] of Object.entries(hello.history)) {
    events[key] = history.events;
    lifecycle[key] = history.lifecycle;
  }
  const live: PageState["live"] = {};
  for (const [key, items] of Object.entries(hello.live))
    live[key] = Object.fromEntries(items.map((item) => [item.itemId, item]));
  return {
    ...state,
    connection: "live",
    tree: hello.tree,
    charts: hello.charts,
    events,
    lifecycle,
    live,
  };
}

/** The state with one more record (a completed item's live text goes: the event holds it). */
export function withRecord(state: PageState, record: HistoryRecord): PageState {
  const isEvent = record.kind === "event";
  const lists = isEvent ? state.events : state.lifecycle;
  const list = [...(lists[record.threadKey] ?? []), record].slice(
    -(isEvent ? EVENTS_KEPT : LIFECYCLE_KEPT),
  );
  const next = { ...lists, [record.threadKey]: list };
  const completed = isEvent ? completedItemId(record) : undefined;
  const live =
    completed && state.live[record.threadKey]?.[completed]
      ? { ...state.live, [record.threadKey]: without(state.live[record.threadKey]!, completed) }
      : state.live;
  if (isEvent) return { ...state, events: next, live };
  // An attempt that ended leaves nothing being written.
  const ended = record.kind === "attemptEnd" && state.live[record.threadKey];
  return {
    ...state,
    lifecycle: next,
    live: ended ? without(state.live, record.threadKey) : state.live,
  };
}

/** The state with a new tree: what the page kept of threads no longer in it goes. */
export function withTree(state: PageState, { tree, charts }: TreeMessage): PageState {
  const keys = new Set(tree.snapshot.threads.map((thread) => thread.key));
  const kept = <T>(byThread: Record<string, T>) =>
    Object.keys(byThread).every((key) => keys.has(key))
      ? byThread
      : Object.fromEntries(Object.entries(byThread).filter(([key]) => keys.has(key)));
  return {
    ...state,
    tree,
    charts,
    events: kept(state.events),
    lifecycle: kept(state.lifecycle),
    live: kept(state.live),
  };
}

/** The state with text appended to items being written. */
export function withLive(state: PageState, appends: LiveAppend[]): PageState {
  const live = { ...state.live };
  for (const { append, ...item } of appends) {
    const items = { ...(live[item.threadKey] ?? {}) };
    const before = items[item.itemId]?.text ?? "";
    items[item.itemId] = { ...item, text: (before + append).slice(-LIVE_TEXT_KEPT) };
    const ids = Object.keys(items);
    if (ids.length > LIVE_ITEMS_KEPT) delete items[ids[0]!];
    live[item.threadKey] = items;
  }
  return { ...state, live };
}

function completedItemId(record: HistoryRecord): string | undefined {
  const event = (record as { event?: { type?: string; item?: { id?: string } } }).event;
  return event?.type === "item.completed" ? event.item?.id : undefined;
}

function without<T>(items: Record<string, T>, id: string): Record<string, T> {
  const { [id]: _gone, ...rest } = items;
  return rest;
}
