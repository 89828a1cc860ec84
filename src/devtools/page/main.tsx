import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ActorTree } from "./actor-tree.js";
import { Charts } from "./charts.js";
import { EventStream } from "./event-stream.js";
import { Lifecycle } from "./lifecycle.js";
import {
  fromHello,
  withRecord,
  type HelloMessage,
  type PageState,
  type TreeMessage,
} from "./model.js";
import "./page.css";

/* The devtools page: one server-sent event stream, the tree on the left, the selected thread's
   statecharts, event stream and history on the right. */

const token = document.querySelector<HTMLMetaElement>('meta[name="codex-actors-token"]')!.content;

function App() {
  const [state, setState] = useState<PageState>({
    connection: "connecting",
    tree: null,
    charts: {},
    events: {},
    lifecycle: {},
  });
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    const source = new EventSource(`/api/stream?token=${encodeURIComponent(token)}`);
    const on = <T,>(name: string, apply: (state: PageState, data: T) => PageState) =>
      source.addEventListener(name, (message) =>
        setState((state) => apply(state, JSON.parse((message as MessageEvent<string>).data) as T)),
      );
    on<HelloMessage>("hello", fromHello);
    on<TreeMessage>("tree", (state, { tree, charts }) => ({ ...state, tree, charts }));
    on("record", withRecord);
    source.onerror = () => setState((state) => ({ ...state, connection: "lost" }));
    source.onopen = () => setState((state) => ({ ...state, connection: "live" }));
    return () => source.close();
  }, []);

  const threads = state.tree?.snapshot.threads ?? [];
  const key =
    selected && (threads.some((thread) => thread.key === selected) || state.events[selected])
      ? selected
      : (threads[0]?.key ?? null);

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
      </header>
      <aside class="side">
        <ActorTree tree={state.tree} selected={key} onSelect={setSelected} />
      </aside>
      <main class="main">
        {key ? (
          <>
            <Charts tree={state.tree} charts={state.charts} threadKey={key} />
            <div class="streams">
              <EventStream records={state.events[key] ?? []} threadKey={key} />
              <Lifecycle records={state.lifecycle[key] ?? []} />
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
