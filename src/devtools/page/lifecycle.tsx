import { clock } from "./event-stream.js";
import type { HistoryRecord } from "./model.js";

/** The selected thread's attempts, restarts, failures and approvals, newest first. */
export function Lifecycle({ records }: { records: HistoryRecord[] }) {
  const restarts = records.filter((record) => record.kind === "restart").length;
  const failures = records.filter(
    (record) => record.kind === "attemptEnd" && record.outcome === "failed",
  ).length;
  return (
    <section class="panel lifecycle">
      <div class="panel-head">
        <h2 title="attempts, restarts, failures and approvals">History</h2>
        <span class="count" data-role="restart-count" title="restarts">
          {restarts} restart{restarts === 1 ? "" : "s"}
        </span>
        <span class="count bad" title="failed attempts">
          {failures} failed attempt{failures === 1 ? "" : "s"}
        </span>
      </div>
      <ol class="lifecycle-list">
        {records.length === 0 && <li class="empty">Nothing yet.</li>}
        {[...records].reverse().map((record, index) => (
          <li
            key={`${record.at}-${index}`}
            class={`life life-${record.kind}`}
            data-role={record.kind}
          >
            <span class="time">{clock(record.at)}</span>
            <span class="attempt">
              turn {record.turnId} · attempt {record.attempt}
            </span>
            <span class="what">{describe(record)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function describe(record: HistoryRecord): string {
  switch (record.kind) {
    case "attemptStart":
      return "attempt started";
    case "attemptEnd":
      return `attempt ${record.outcome}${record.pid ? ` (pid ${record.pid})` : ""}${
        record.error ? `: ${record.error.kind}: ${record.error.message}` : ""
      }${record.sideEffect ? `; side effects began with a ${record.sideEffect}` : ""}`;
    case "restart":
      return `restart in ${record.delayMs} ms after ${record.error.kind}: ${record.error.message}`;
    case "approvalRequested":
      return `approval asked: ${approvalWhat(record.event)}`;
    case "approvalResolved":
      return `approval settled: ${approvalWhat(record.event)}`;
    default:
      return record.kind;
  }
}

function approvalWhat(event: unknown): string {
  const { kind, command, reason, decision } = (event ?? {}) as {
    kind?: string;
    command?: string;
    reason?: string;
    decision?: unknown;
  };
  const parts = [kind, command, reason].filter(Boolean).join(" · ") || "request";
  return decision === undefined ? parts : `${parts} → ${JSON.stringify(decision)}`;
}
