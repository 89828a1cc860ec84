import { useEffect, useRef } from "preact/hooks";
import { clock } from "./event-stream.js";
import type { HistoryRecord } from "./model.js";

/**
 * The selected thread's attempts, restarts, failures, steers and approvals (with how long each
 * waited), oldest first as the event stream is.
 */
export function Lifecycle({ records, threadKey }: { records: HistoryRecord[]; threadKey: string }) {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [records.length, threadKey]);
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
      <ol class="lifecycle-list" ref={list}>
        {records.length === 0 && <li class="empty">Nothing yet.</li>}
        {records.map((record, index) => (
          <li
            key={`${record.at}-${index}`}
            class={`life life-${record.kind}`}
            data-role={record.kind}
          >
            <span class="time">{clock(record.at)}</span>
            <span class="attempt">
              turn {record.turn} · attempt {record.attempt}
            </span>
            <span class="what">{describe(record, records)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function describe(record: HistoryRecord, records: HistoryRecord[]): string {
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
      return `approval settled after ${waited(record, records)}: ${approvalWhat(record.event)}`;
    case "steer":
      return `steered (${record.characters} characters added to the running turn)`;
    default:
      return record.kind;
  }
}

/** How long the approval `resolved` settles waited: since its request (the same request id). */
function waited(resolved: HistoryRecord, records: HistoryRecord[]): string {
  const id = (resolved as { event?: { request_id?: unknown } }).event?.request_id;
  const asked = records.find(
    (record) =>
      record.kind === "approvalRequested" &&
      (record.event as { request_id?: unknown } | undefined)?.request_id === id,
  );
  return asked ? `${((resolved.at - asked.at) / 1000).toFixed(1)} s` : "an unknown time";
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
