import diagnostics from "node:diagnostics_channel";
import {
  CHANNEL_NAMES,
  type ApprovalMessage,
  type AttemptEndMessage,
  type AttemptStartMessage,
  type ChannelSource,
  type EventMessage,
  type TurnRestartMessage,
  type TurnSteerMessage,
} from "../telemetry/channels.js";
import { LiveTexts, type LiveAppend, type LiveText } from "./live-text.js";

/**
 * What every record says of where it comes from and when: `turn` is which turn of its thread
 * (1 for the first), `turnId` the turn's id in this process.
 */
type RecordSource = {
  at: number;
  threadKey: string;
  turnId: number;
  turn: number;
  attempt: number;
};

/** One fact of a thread's life, as the page lists it. */
export type HistoryRecord = RecordSource &
  (
    | { kind: "event"; event: unknown }
    | { kind: "attemptStart" }
    | (Pick<AttemptEndMessage, "outcome" | "pid" | "error" | "sideEffect"> & { kind: "attemptEnd" })
    | (Pick<TurnRestartMessage, "delayMs" | "error"> & { kind: "restart" })
    | (Pick<TurnSteerMessage, "characters"> & { kind: "steer" })
    | { kind: "approvalRequested" | "approvalResolved"; event: unknown }
  );

/** The most stream events kept per thread (older ones are dropped first). */
export const EVENTS_KEPT = 500;
/** The most attempt, restart and approval records kept per thread. */
export const LIFECYCLE_KEPT = 200;
/** Longer strings in an event are cut to this many characters (the page folds long ones). */
const STRING_KEPT = 20_000;

type ThreadHistory = { events: HistoryRecord[]; lifecycle: HistoryRecord[] };

/** What the history tells its listeners: a new record, or text appended to items being written. */
export type HistoryUpdate = { record: HistoryRecord } | { appends: LiveAppend[] };

/**
 * The recent history of the threads of one Codex, from the `codex-actors:*` channels: subscribed
 * from `start()` to `stop()` only, keeping only messages whose thread `belongs` to that Codex, and
 * only while it does (a thread released from the tree is forgotten when the next one appears).
 * `turnOf` says which turn of its thread is in hand. Deltas are not records: they grow the text of
 * their item (`LiveTexts`), which the item's completion replaces.
 */
export class ThreadHistories {
  private readonly threads = new Map<string, ThreadHistory>();
  private readonly listeners = new Set<(update: HistoryUpdate) => void>();
  private readonly subscriptions: Array<[string, (message: unknown) => void]>;
  private readonly live = new LiveTexts((appends) => this.tell({ appends }));

  constructor(
    private readonly belongs: (threadKey: string) => boolean,
    private readonly turnOf: (threadKey: string) => number,
  ) {
    const on =
      <M extends ChannelSource & { attempt: number }>(
        build: (message: M) => Omit<HistoryRecord, keyof RecordSource>,
      ) =>
      (message: unknown) =>
        this.add(message as M, build);
    this.subscriptions = [
      [CHANNEL_NAMES.event, (message: unknown) => this.addEvent(message as EventMessage)],
      [CHANNEL_NAMES.attemptStart, on<AttemptStartMessage>(() => ({ kind: "attemptStart" }))],
      [
        CHANNEL_NAMES.attemptEnd,
        on<AttemptEndMessage>(({ threadKey, outcome, pid, error, sideEffect }) => {
          this.live.endAttempt(threadKey);
          return {
            kind: "attemptEnd",
            outcome,
            pid,
            sideEffect,
            ...(error ? { error } : {}),
          };
        }),
      ],
      [
        CHANNEL_NAMES.turnRestart,
        on<TurnRestartMessage>(({ delayMs, error }) => ({ kind: "restart", delayMs, error })),
      ],
      [
        CHANNEL_NAMES.turnSteer,
        on<TurnSteerMessage>(({ characters }) => ({ kind: "steer", characters })),
      ],
      [
        CHANNEL_NAMES.approvalRequested,
        on<ApprovalMessage>((m) => ({ kind: "approvalRequested", event: bounded(m.event) })),
      ],
      [
        CHANNEL_NAMES.approvalResolved,
        on<ApprovalMessage>((m) => ({ kind: "approvalResolved", event: bounded(m.event) })),
      ],
    ];
  }

  /** Subscribes to the channels. */
  start(): void {
    for (const [name, listener] of this.subscriptions) diagnostics.subscribe(name, listener);
  }

  /** Unsubscribes from the channels and forgets every listener. */
  stop(): void {
    for (const [name, listener] of this.subscriptions) diagnostics.unsubscribe(name, listener);
    this.live.stop();
    this.listeners.clear();
  }

  /** Calls `listener` with each update; returns the unsubscribe. */
  listen(listener: (update: HistoryUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every record kept, by thread key: the stream events, then the lifecycle records. */
  all(): Record<string, ThreadHistory> {
    return Object.fromEntries(this.threads);
  }

  /** The items being written, by thread key. */
  liveTexts(): Record<string, LiveText[]> {
    return this.live.all();
  }

  /** A stream event: a delta grows its item's text, anything else is a record. */
  private addEvent(message: EventMessage): void {
    const event = message.event as {
      type: string;
      item_id?: string;
      kind?: string;
      delta?: string;
      item?: { id?: string };
    };
    const { threadKey } = message;
    if (!this.belongs(threadKey)) return;
    if (event.type === "item.delta") {
      const turn = this.turnOf(threadKey);
      this.live.append(
        threadKey,
        String(event.item_id),
        String(event.kind),
        turn,
        event.delta ?? "",
      );
      return;
    }
    if (event.type === "item.completed" && event.item?.id)
      this.live.complete(threadKey, event.item.id);
    this.add(message, (m) => ({ kind: "event", event: bounded(m.event) }));
  }

  /**
   * Tells every listener. One that throws is dropped, not let loose: it runs in a channel
   * publish or on a timer, where a throw would reach the host.
   */
  private tell(update: HistoryUpdate): void {
    for (const listener of this.listeners)
      try {
        listener(update);
      } catch {
        this.listeners.delete(listener);
      }
  }

  private add<M extends ChannelSource & { attempt: number }>(
    message: M,
    build: (message: M) => Omit<HistoryRecord, keyof RecordSource>,
  ): void {
    const { threadKey, turnId, attempt } = message;
    if (!this.belongs(threadKey)) return;
    const record = {
      at: Date.now(),
      threadKey,
      turnId,
      turn: this.turnOf(threadKey),
      attempt,
      ...build(message),
    } as HistoryRecord;
    let history = this.threads.get(threadKey);
    if (!history) {
      // A new thread: the histories of threads that have left the tree go.
      for (const key of this.threads.keys()) if (!this.belongs(key)) this.threads.delete(key);
      this.live.prune(this.belongs);
      this.threads.set(threadKey, (history = { events: [], lifecycle: [] }));
    }
    const list = record.kind === "event" ? history.events : history.lifecycle;
    list.push(record);
    if (list.length > (record.kind === "event" ? EVENTS_KEPT : LIFECYCLE_KEPT)) list.shift();
    this.tell({ record });
  }
}

/** A plain copy of `value` with long strings cut, so one huge output cannot fill the memory. */
function bounded(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_, field: unknown) =>
      typeof field === "string" && field.length > STRING_KEPT
        ? `${field.slice(0, STRING_KEPT)}… (${field.length - STRING_KEPT} more characters)`
        : field,
    ),
  );
}
