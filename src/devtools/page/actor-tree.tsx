import { useEffect, useState } from "preact/hooks";
import type { TreeView } from "./model.js";

type Props = { tree: TreeView | null; selected: string | null; onSelect: (key: string) => void };

/** The actor tree: the root, the app-server's service, and each thread with its turn in hand. */
export function ActorTree({ tree, selected, onSelect }: Props) {
  const now = useClock(
    tree?.snapshot.threads.some((t) => t.turn?.backoffRemainingMs !== undefined),
  );
  if (!tree) return <p class="empty">Waiting for the tree…</p>;
  const { snapshot } = tree;
  return (
    <div class="tree">
      <h2>Actors</h2>
      <div class="actor root" data-actor="root">
        <div class="actor-head">
          <span class="name">root</span>
          <State value={snapshot.state} />
        </div>
      </div>
      <ul class="children">
        {snapshot.server && (
          <li class="actor service" data-actor="service">
            <div class="actor-head">
              <span class="name">app-server</span>
              <State value={snapshot.server.state} />
            </div>
            <Facts
              facts={[
                ["pid", snapshot.server.pid ?? "–"],
                ["restarts", snapshot.server.restarts],
              ]}
            />
          </li>
        )}
        {snapshot.threads.map((thread) => {
          const backoff = thread.turn?.backoffRemainingMs;
          const left = backoff === undefined ? undefined : Math.max(0, backoff - (now - tree.at));
          return (
            <li
              key={thread.key}
              class={`actor thread ${thread.key === selected ? "selected" : ""}`}
              data-thread={thread.key}
              tabIndex={0}
              onClick={() => onSelect(thread.key)}
              onKeyDown={(event) => event.key === "Enter" && onSelect(thread.key)}
            >
              <div class="actor-head">
                <span class="name">{thread.key}</span>
                <State value={thread.state} role="thread-state" />
              </div>
              <Facts
                facts={[
                  ["id", thread.id ? thread.id.slice(0, 13) + "…" : "–"],
                  ["queued", thread.queued],
                  ["restarts", thread.restarts],
                ]}
              />
              {thread.turn && (
                <div class="actor turn" data-actor={`${thread.key}/attempt`}>
                  <div class="actor-head">
                    <span class="name">turn · attempt {thread.turn.attempt}</span>
                    <State value={thread.turn.state} role="turn-state" />
                  </div>
                  <Facts
                    facts={[
                      ["pid", thread.turn.pid ?? "–"],
                      ...(thread.turn.pendingApprovals !== undefined
                        ? [["approvals waiting", thread.turn.pendingApprovals] as [string, number]]
                        : []),
                    ]}
                  />
                  {left !== undefined && (
                    <div class="backoff" data-role="backoff">
                      backing off: next attempt in {(left / 1000).toFixed(1)} s
                    </div>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function State({ value, role }: { value: string; role?: string }) {
  const kind = value.split(".").pop()!.split(",")[0]!;
  return (
    <span class={`state state-${kind}`} data-role={role}>
      {value}
    </span>
  );
}

function Facts({ facts }: { facts: Array<[string, string | number]> }) {
  return (
    <dl class="facts">
      {facts.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd data-fact={name}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The time now, rendering again every 100 ms while `running` (for countdowns). */
function useClock(running: boolean | undefined): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((tick) => tick + 1), 100);
    return () => clearInterval(timer);
  }, [running]);
  return Date.now();
}
