import type { HistoryRecord } from "../history.js";
import type { ChartState } from "../statechart.js";
import type { TreeView } from "../tree-view.js";

/* What the page holds: the last tree, the charts of its machines, and each thread's history. */

/** The `tree` message of the stream (and the first part of `hello`). */
export type TreeMessage = { tree: TreeView; charts: Record<string, ChartState> };

/** The `hello` message: the tree and everything kept so far. */
export type HelloMessage = TreeMessage & {
  history: Record<string, { events: HistoryRecord[]; lifecycle: HistoryRecord[] }>;
};

/** The page's state. */
export type PageState = {
  connection: "connecting" | "live" | "lost";
  tree: TreeView | null;
  charts: Record<string, ChartState>;
  events: Record<string, HistoryRecord[]>;
  lifecycle: Record<string, HistoryRecord[]>;
};

export type { ChartState, HistoryRecord, TreeView };

/** As many as the server keeps, so a long-open page stays as light as it. */
const EVENTS_KEPT = 500;
const LIFECYCLE_KEPT = 200;

/** The state after `hello`. */
export function fromHello(state: PageState, hello: HelloMessage): PageState {
  const events: Record<string, HistoryRecord[]> = {};
  const lifecycle: Record<string, HistoryRecord[]> = {};
  for (const [key, history] of Object.entries(hello.history)) {
    events[key] = history.events;
    lifecycle[key] = history.lifecycle;
  }
  return {
    ...state,
    connection: "live",
    tree: hello.tree,
    charts: hello.charts,
    events,
    lifecycle,
  };
}

/** The state with one more record. */
export function withRecord(state: PageState, record: HistoryRecord): PageState {
  const isEvent = record.kind === "event";
  const lists = isEvent ? state.events : state.lifecycle;
  const list = [...(lists[record.threadKey] ?? []), record].slice(
    -(isEvent ? EVENTS_KEPT : LIFECYCLE_KEPT),
  );
  const next = { ...lists, [record.threadKey]: list };
  return isEvent ? { ...state, events: next } : { ...state, lifecycle: next };
}
