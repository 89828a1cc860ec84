import { useEffect, useRef, useState } from "preact/hooks";
import type { HistoryRecord, LiveText } from "./model.js";

type EventRecord = Extract<HistoryRecord, { kind: "event" }>;
type Props = {
  records: HistoryRecord[];
  live: Record<string, LiveText>;
  threadKey: string;
  title: string;
};

/** Outputs longer than this (lines or characters) are folded. */
const FOLD_LINES = 6;
const FOLD_CHARS = 400;
/** How much of an item being written is shown: its last characters. */
const LIVE_TAIL_CHARS = 360;

/**
 * The selected thread's turn events, oldest first, filterable by type and text; below them the
 * items still being written, their text growing in place (deltas are not events here).
 */
export function EventStream({ records, live, threadKey, title }: Props) {
  const [type, setType] = useState("");
  const [text, setText] = useState("");
  const list = useRef<HTMLOListElement>(null);
  const events = records as EventRecord[];
  const types = [...new Set(events.map((record) => typeOf(record)))].sort();
  const shown = events.filter(
    (record) =>
      (!type || typeOf(record) === type) &&
      (!text || JSON.stringify(record.event).toLowerCase().includes(text.toLowerCase())),
  );
  const writing = Object.values(live).filter(
    (item) => !text || item.text.toLowerCase().includes(text.toLowerCase()),
  );
  const grown = writing.reduce((sum, item) => sum + item.text.length, 0);
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [shown.length, grown, threadKey]);
  return (
    <section class="panel events">
      <div class="panel-head">
        <h2 title={title}>
          Event stream{" "}
          <span class="count" data-role="event-count">
            {events.length}
          </span>
        </h2>
        <select value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
          <option value="">all types</option>
          {types.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <input
          type="search"
          placeholder="filter text"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
      </div>
      <ol class="event-list" ref={list}>
        {shown.length === 0 && writing.length === 0 && <li class="empty">No events yet.</li>}
        {shown.map((record, index) => (
          <li
            key={`${record.at}-${index}`}
            class="event"
            data-role="event"
            data-type={typeOf(record)}
          >
            <span class="time">{clock(record.at)}</span>
            <span class="attempt" title="turn of this thread · attempt">
              {record.turn}·{record.attempt}
            </span>
            <span class={`type type-${typeOf(record).split(".")[0]}`}>{typeOf(record)}</span>
            <Body event={record.event as Record<string, unknown>} />
          </li>
        ))}
        {writing.map((item) => (
          <li key={item.itemId} class="event writing" data-role="live" data-item={item.itemId}>
            <span class="time">{clock(item.at)}</span>
            <span class="attempt" title="turn of this thread">
              {item.turn}
            </span>
            <span class="type type-item">writing:{item.kind}</span>
            <span class="body">
              <span class="live-size">{item.written} characters so far</span>
              <pre class="live-text">{tail(item.text)}</pre>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The end of a text being written: what was written last. */
function tail(text: string): string {
  return text.length > LIVE_TAIL_CHARS ? `…${text.slice(-LIVE_TAIL_CHARS)}` : text;
}

function typeOf(record: EventRecord): string {
  const event = record.event as { type?: string; item?: { type?: string } };
  return event.item?.type ? `${event.type}:${event.item.type}` : String(event.type);
}

/** What an event says, in a line, with long outputs folded. */
function Body({ event }: { event: Record<string, unknown> }) {
  const item = event.item as Record<string, unknown> | undefined;
  if (item) {
    const head =
      item.command ?? item.text ?? item.query ?? item.tool ?? describeChanges(item.changes) ?? "";
    const output = typeof item.aggregated_output === "string" ? item.aggregated_output : "";
    return (
      <span class="body">
        <span class="head">{String(head)}</span>
        {item.status ? <span class="status"> [{String(item.status)}]</span> : null}
        {typeof item.exit_code === "number" ? (
          <span class="status"> exit {item.exit_code}</span>
        ) : null}
        {output && <Folded text={output} />}
      </span>
    );
  }
  const line = summary(event);
  if (line !== undefined) return <span class="body">{line}</span>;
  const { type: _type, ...rest } = event;
  return (
    <span class="body">
      <Folded text={Object.keys(rest).length ? JSON.stringify(rest) : ""} />
    </span>
  );
}

/** One line for the events of a turn's life, or undefined to show the event's fields. */
function summary(event: Record<string, unknown>): string | undefined {
  const error = event.error as { message?: string; kind?: string } | undefined;
  switch (event.type) {
    case "thread.started":
      return `thread ${String(event.thread_id)}`;
    case "turn.started":
      return "";
    case "turn.completed": {
      const usage = event.usage as Record<string, number> | undefined;
      if (!usage) return "";
      return `${usage.input_tokens} tokens in (${usage.cached_input_tokens ?? 0} cached), ${usage.output_tokens} out`;
    }
    case "turn.failed":
      return error?.message;
    case "error":
      return String(event.message);
    case "approval.requested":
      return `${String(event.kind)}: ${String(event.command ?? event.item_id)}${event.reason ? ` — ${String(event.reason)}` : ""}`;
    case "approval.resolved":
      return `${String(event.kind)} → ${JSON.stringify(event.decision)}${event.reason ? ` (${String(event.reason)})` : ""}`;
    case "turn.restarted":
      return `attempt ${String(event.attempt)} in ${String(event.delayMs)} ms, after ${error?.kind}: ${error?.message}`;
    default:
      return undefined;
  }
}

function describeChanges(changes: unknown): string | undefined {
  if (!Array.isArray(changes)) return undefined;
  return changes
    .map((change: { kind?: string; path?: string }) => `${change.kind} ${change.path}`)
    .join(", ");
}

function Folded({ text }: { text: string }) {
  if (!text) return null;
  const lines = text.split("\n");
  if (lines.length <= FOLD_LINES && text.length <= FOLD_CHARS)
    return <pre class="output">{text}</pre>;
  return (
    <details class="folded">
      <summary>
        {lines[0]!.slice(0, 120)} … ({lines.length} lines, {text.length} characters)
      </summary>
      <pre class="output">{text}</pre>
    </details>
  );
}

/** hh:mm:ss.mmm of a time. */
export function clock(at: number): string {
  const date = new Date(at);
  return `${date.toTimeString().slice(0, 8)}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}
