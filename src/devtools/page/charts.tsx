import type { ChartState, TreeView } from "./model.js";

type Props = { tree: TreeView | null; charts: Record<string, ChartState>; threadKey: string };

/** The statecharts around the selected thread: its own, its attempt's, the root's, the service's. */
export function Charts({ tree, charts, threadKey }: Props) {
  if (!tree) return null;
  const shown: Array<[string, string]> = [
    [threadKey, `thread ${threadKey}`],
    [`${threadKey}/attempt`, "attempt"],
    ["root", "root"],
    ["service", "app-server"],
  ];
  return (
    <section class="charts">
      <h2>Statecharts</h2>
      <div class="chart-row">
        {shown.map(([actor, title]) => {
          const view = tree.actors[actor];
          const chart = view?.machine ? charts[view.machine] : undefined;
          if (!view || !chart) return null;
          return (
            <figure key={actor} class="chart" data-chart={actor}>
              <figcaption>
                {title} <span class="machine">({view.machine})</span>
              </figcaption>
              <Box state={chart} active={new Set(view.active)} root />
            </figure>
          );
        })}
      </div>
    </section>
  );
}

type BoxProps = { state: ChartState; active: Set<string>; root?: boolean; initial?: boolean };

/** A state as a box, its nested states inside; the active ones highlighted, the initial marked. */
function Box({ state, active, root, initial }: BoxProps) {
  const on = !root && active.has(state.path);
  return (
    <div
      class={`box ${on ? "active" : ""} ${state.type === "final" ? "final" : ""} ${root ? "box-root" : ""} ${initial ? "initial" : ""}`}
      data-state={state.path}
      title={state.events.length ? `reacts to: ${state.events.join(", ")}` : undefined}
    >
      {!root && <div class="box-name">{state.key}</div>}
      {state.states.length > 0 && (
        <div class="box-children">
          {state.states.map((child) => (
            <Box
              key={child.key}
              state={child}
              active={active}
              initial={child.key === state.initial}
            />
          ))}
        </div>
      )}
    </div>
  );
}
