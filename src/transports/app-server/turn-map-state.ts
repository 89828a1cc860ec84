import type { ApprovalDecision, ApprovalKind, AppServerEvent } from "../../types/app-server.js";
import type { ThreadEvent, Usage } from "../../types/events.js";
import type { TodoItem } from "../../types/items.js";

/** An approval the server asked for and has not yet confirmed as resolved. */
export type PendingApproval = {
  /** The server's id of the request, as sent. */
  requestId: string | number;
  kind: ApprovalKind;
  itemId: string;
  /** The answer given so far, if any. */
  decision: ApprovalDecision | null;
  reason?: string;
};

/**
 * What mapping one turn's notifications to exec events remembers, as plain data: the exec ids
 * given to server items (`item_0`, `item_1`, … as `codex exec` numbers them), the running to-do
 * list, the thread's last token totals, the last error, and the approvals in flight. The map
 * functions never change a state they are given: they change a `draft` and return it.
 */
export type TurnMapState = {
  threadId: string | null;
  /** Whether this turn's `thread.started` was emitted. */
  threadAnnounced: boolean;
  nextItem: number;
  /** Exec ids of items started (or streaming) but not completed, by server item id. */
  execIds: Record<string, string>;
  todo: { id: string; items: TodoItem[] } | null;
  usage: Usage | null;
  lastError: string | null;
  /** The last reasoning summary part seen, by server item id. */
  summaryParts: Record<string, number>;
  /** By request id (as a string). */
  approvals: Record<string, PendingApproval>;
  /**
   * The MCP tool calls started and not completed, by `server/tool`: the exec id of the latest
   * (codex's approval request for a call names only the server and the tool).
   */
  toolCalls: Record<string, string>;
};

/** An event a turn on the app-server yields: the exec path's, or one only this transport has. */
export type MappedEvent = ThreadEvent | AppServerEvent;

/** How the turn ended, once `turn/completed` arrived. */
export type TurnOutcome = "completed" | "failed" | "interrupted";

/** The result of one mapping step. */
export type MapStep = { state: TurnMapState; events: MappedEvent[]; outcome?: TurnOutcome };

/** The state before a turn's first notification; `threadId` when the thread already exists. */
export function initialTurnMapState(threadId: string | null = null): TurnMapState {
  return {
    threadId,
    threadAnnounced: false,
    nextItem: 0,
    execIds: {},
    todo: null,
    usage: null,
    lastError: null,
    summaryParts: {},
    approvals: {},
    toolCalls: {},
  };
}

/** A copy of `state` whose records may be changed without touching the original. */
export function draft(state: TurnMapState): TurnMapState {
  return {
    ...state,
    execIds: { ...state.execIds },
    summaryParts: { ...state.summaryParts },
    approvals: { ...state.approvals },
    toolCalls: { ...state.toolCalls },
  };
}

/** The exec id of a server item that starts (or streams): the one it has, or the next. */
export function idForStarted(state: TurnMapState, serverId: string): string {
  const existing = state.execIds[serverId];
  if (existing) return existing;
  const id = `item_${state.nextItem++}`;
  state.execIds[serverId] = id;
  return id;
}

/** The exec id of a server item that completes: the one it started with, or the next. */
export function idForCompleted(state: TurnMapState, serverId: string): string {
  const existing = state.execIds[serverId];
  delete state.execIds[serverId];
  return existing ?? `item_${state.nextItem++}`;
}

/** A new exec id for an item with no server id (the to-do list). */
export function freshId(state: TurnMapState): string {
  return `item_${state.nextItem++}`;
}
