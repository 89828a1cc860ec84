import { useEffect, useState } from "preact/hooks";
import type { ThreadTreeSnapshot } from "../../machines/snapshot-tree.js";
import { selects, statusText, type FleetFilter } from "./fleet.js";
import type { TreeView } from "./model.js";

type Props = {
  tree: TreeView | null;
  selected: string | null;
  onSelect: (key: string) => void;
  filter: FleetFilter;
};

/**
 * The actor tree: the root, the app-server's service, and each thread (those `filter` selects)
 * by its name or working directory, with its status, last outcome, spend and turn in hand.
 */
export function ActorTree({ tree, selected, onSelect, filter }: Props) {
  const now = useClock(
    tree?.snapshot.threads.some(
      (t) => t.turn?.backoffRemainingMs !== undefined || t.turn?.awaitingApprovalSince,
    ),
  );
  if (!tree) return <p class="empty">Waiting for the tree…</p>;
  const { snapshot } = tree;
  const threads = snapshot.threads.filter((thread) => selects(filter, thread, snapshot, now));
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
        {filter !== "all" && (
          <li class="filtered" data-role="filtered">
            {threads.length} of {snapshot.threads.length} threads ({filter})
          </li>
        )}
        {threads.map((thread) => {
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
                <span class="name label" data-role="label" title={thread.label}>
                  {shortLabel(thread.label)}
                </span>
                <span class={`status status-${thread.status.replace(" ", "-")}`} data-role="status">
                  {statusText(thread, now)}
                </span>
              </div>
              <div class="thread-key">
                {thread.key} · <State value={thread.state} role="thread-state" />
              </div>
              {thread.lastOutcome?.error && thread.status !== "running" && (
                <div class={`outcome outcome-${thread.lastOutcome.status}`} data-role="outcome">
                  last turn {thread.lastOutcome.status}: {thread.lastOutcome.error.kind} —{" "}
                  {thread.lastOutcome.error.message}
                </div>
              )}
              <Facts
                facts={[
                  ["id", thread.id ? thread.id.slice(0, 13) + "…" : "–"],
                  ["queued", thread.queued],
                  ["restarts", thread.restarts],
                  ["tokens", spentText(thread)],
                ]}
              />
              {thread.turn && (
                <div class="actor turn" data-actor={`${thread.key}/attempt`}>
                  <div class="actor-head">
                    <span class="name">
                      turn {thread.turn.number} · attempt {thread.turn.attempt}
                    </span>
                    <State value={thread.turn.state} role="turn-state" />
                  </div>
                  <Facts
                    facts={[
                      ["pid", thread.turn.pid ?? "–"],
                      [
                        "turn tokens",
                        `${thread.turn.tokens}${thread.turn.budget?.maxTokens !== undefined ? ` / ${thread.turn.budget.maxTokens}` : ""}`,
                      ],
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

/** A long path as its last folder (`…/api`): what tells threads apart (the whole path is its title). */
function shortLabel(label: string): string {
  const last = label.split("/").filter(Boolean).at(-1);
  return label.startsWith("/") && label.length > 24 && last ? `…/${last}` : label;
}

/** Tokens (and turns) the thread spent, against its budget where it has one. */
function spentText({ spent, budget }: ThreadTreeSnapshot): string {
  const tokens = `${spent.tokens}${budget?.maxTokens !== undefined ? ` / ${budget.maxTokens}` : ""}`;
  return budget?.maxTurns !== undefined
    ? `${tokens} · ${spent.turns} / ${budget.maxTurns} turns`
    : tokens;
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

/** The time now, rendering again every 100 ms while `running` (for countdowns and waits). */
function useClock(running: boolean | undefined): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((tick) => tick + 1), 100);
    return () => clearInterval(timer);
  }, [running]);
  return Date.now();
}
