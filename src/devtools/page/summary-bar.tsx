import type { CodexTreeSnapshot } from "../../machines/snapshot-tree.js";
import { fleetCounts, type FleetFilter } from "./fleet.js";

type Props = {
  snapshot: CodexTreeSnapshot;
  now: number;
  filter: FleetFilter;
  onFilter: (filter: FleetFilter) => void;
};

const LABELS: Array<[Exclude<FleetFilter, "all">, string, string]> = [
  ["running", "running", "threads running a turn"],
  ["queued", "queued", "turns waiting in a mailbox or for a concurrency slot"],
  ["awaiting", "awaiting approval", "threads whose turn waits for onApproval"],
  ["failed", "failed (1 h)", "turns failed in the last hour (not those stopped on request)"],
  ["restarts", "restarts", "restarts of all turns"],
];

/** The fleet's counts; each one a button that shows only the threads it counts (again: all). */
export function SummaryBar({ snapshot, now, filter, onFilter }: Props) {
  const counts = fleetCounts(snapshot, now);
  const { spent, budget } = snapshot;
  return (
    <nav class="summary-bar" aria-label="fleet summary">
      {LABELS.map(([key, label, title]) => (
        <button
          key={key}
          type="button"
          class={`count-button ${key} ${filter === key ? "on" : ""} ${counts[key] > 0 ? "some" : ""}`}
          data-filter={key}
          title={title}
          aria-pressed={filter === key}
          onClick={() => onFilter(filter === key ? "all" : key)}
        >
          <b data-count={key}>{counts[key]}</b> {label}
        </button>
      ))}
      <span class="spent" data-role="codex-spent" title="tokens and turns spent by all threads">
        {spent.tokens.toLocaleString("en")}
        {budget?.maxTokens !== undefined ? ` / ${budget.maxTokens.toLocaleString("en")}` : ""}{" "}
        tokens · {spent.turns}
        {budget?.maxTurns !== undefined ? ` / ${budget.maxTurns}` : ""} turns
      </span>
    </nav>
  );
}
