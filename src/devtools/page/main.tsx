import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ActorTree } from "./actor-tree.js";
import { Charts } from "./charts.js";
import { EventStream } from "./event-stream.js";
import type { FleetFilter } from "./fleet.js";
import { Lifecycle } from "./lifecycle.js";
import {
  fromHello,
  withLive,
  withRecord,
  withTree,
  type HelloMessage,
  type LiveAppend,
  type PageState,
  type TreeMessage,
} from "./model.js";
import { SummaryBar } from "./summary-bar.js";
import "./page.css";

/* The devtools page: one server-sent event stream, the fleet's summary on top, the tree on the
   left, the selected thread's statecharts, event stream and history on the right. Messages are
   applied in batches, at most one render per frame, so a flood leaves the page responsive. */

const token = document.querySelector<HTMLMetaElement>('meta[name="codex-actors-token"]')!.content;

type Update = (state: PageState) => PageState;

/** Messages are applied at most this often: one render for all that came meanwhile. */
const FRAME_MS = 16;

function App() {
  const [state, setState] = useState<PageState>({
    connection: "connecting",
    tree: null,
    charts: {},
    events: {},
    lifecycle: {},
    live: {},
  });
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useState<FleetFilter>("all");

  useEffect(() => {
    const source = new EventSource(`/api/stream?token=${encodeURIComponent(token)}`);
    let pending: Update[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = () => {
      timer = undefined;
      const updates = pending;
      pending = [];
      setState((state) => updates.reduce((next, update) => update(next), state));
    };
    const queue = (update: Update) => {
      pending.push(update);
      // A timer, not a frame: a hidden tab still applies (and frees) what it was sent.
      timer ??= setTimeout(apply, FRAME_MS);
    };
    const on = <T,>(name: string, reduce: (state: PageState, data: T) => PageState) =>
      source.addEventListener(name, (message) => {
        const data = JSON.parse((message as MessageEvent<string>).data) as T;
        queue((state) => reduce(state, data));
      });
    on<HelloMessage>("hello", fromHello);
    on<TreeMessage>("tree", withTree);
    on("record", withRecord);
    on<LiveAppend[]>("live", withLive);
    source.onerror = () => queue((state) => ({ ...state, connection: "lost" }));
    source.onopen = () => queue((state) => ({ ...state, connection: "live" }));
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, []);

  const threads = state.tree?.snapshot.threads ?? [];
  const key =
    selected && threads.some((thread) => thread.key === selected)
      ? selected
      : (threads[0]?.key ?? null);
  const label = threads.find((thread) => thread.key === key)?.label ?? key;

  return (
    <div class="layout">
      <header class="top">
        <h1>codex-actors devtools</h1>
        <span class={`connection ${state.connection}`} data-role="connection">
          {state.connection === "live"
            ? "live"
            : state.connection === "lost"
              ? "disconnected"
              : "connecting…"}
        </span>
        {state.tree && (
          <span class="summary">
            root <b>{state.tree.snapshot.state}</b> · {threads.length} thread
            {threads.length === 1 ? "" : "s"}
          </span>
        )}
        {state.tree && (
          <SummaryBar
            snapshot={state.tree.snapshot}
            now={Date.now()}
            filter={filter}
            onFilter={setFilter}
          />
        )}
      </header>
      <aside class="side">
        <ActorTree tree={state.tree} selected={key} onSelect={setSelected} filter={filter} />
      </aside>
      <main class="main">
        {key ? (
          <>
            <Charts tree={state.tree} charts={state.charts} threadKey={key} />
            <div class="streams">
              <EventStream
                records={state.events[key] ?? []}
                live={state.live[key] ?? {}}
                threadKey={key}
                title={label ?? key}
              />
              <Lifecycle records={state.lifecycle[key] ?? []} threadKey={key} />
            </div>
          </>
        ) : (
          <p class="empty">No thread yet: start one with codex.startThread().</p>
        )}
      </main>
    </div>
  );
}

render(<App />, document.getElementById("app")!);
