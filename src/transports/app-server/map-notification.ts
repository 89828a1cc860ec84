import type { ItemDeltaKind, TurnPlanStepStatus } from "../../types/app-server.js";
import type { Usage } from "../../types/events.js";
import { isIgnoredNotification } from "./ignored-notifications.js";
import { itemTreatment, toExecItem, type ServerItem } from "./map-item.js";
import type { ServerNotification, v2 } from "./protocol/index.js";
import type { RpcNotification } from "./rpc-connection.js";
import {
  draft,
  freshId,
  idForCompleted,
  idForStarted,
  type MappedEvent,
  type MapStep,
  type TurnMapState,
} from "./turn-map-state.js";

const PLAN_STATUS: Record<v2.TurnPlanStepStatus, TurnPlanStepStatus> = {
  pending: "pending",
  inProgress: "in_progress",
  completed: "completed",
};

const DELTA_KINDS: Record<string, ItemDeltaKind> = {
  "item/agentMessage/delta": "agent_message",
  "item/reasoning/textDelta": "reasoning_content",
  "item/commandExecution/outputDelta": "command_output",
};

/**
 * Maps one notification of a turn to the events `codex exec` would print for it, plus the events
 * only the app-server has (`item.delta`, `approval.resolved`, `turn.diff`, `turn.plan`). Pure:
 * returns the next state. Known notifications that carry nothing for the turn's stream (status
 * changes, rate limits, …) yield nothing; unknown ones pass through as `app_server.notification`.
 */
export function mapNotification(state: TurnMapState, notification: RpcNotification): MapStep {
  const next = draft(state);
  const events: MappedEvent[] = [];
  const n = notification as ServerNotification;
  switch (n.method) {
    case "thread/started":
      next.threadId = n.params.thread.id;
      announceThread(next, events);
      break;
    case "turn/started":
      next.threadId ??= n.params.threadId;
      announceThread(next, events);
      events.push({ type: "turn.started" });
      break;
    case "item/started":
      itemStarted(next, n.params.item, events);
      break;
    case "item/completed":
      itemCompleted(next, n.params.item, events);
      break;
    case "item/agentMessage/delta":
    case "item/reasoning/textDelta":
    case "item/commandExecution/outputDelta": {
      const kind = DELTA_KINDS[n.method]!;
      const { itemId, delta } = n.params;
      events.push({ type: "item.delta", item_id: idForStarted(next, itemId), kind, delta });
      break;
    }
    case "item/reasoning/summaryTextDelta":
      events.push(summaryDelta(next, n.params));
      break;
    case "item/fileChange/patchUpdated": {
      const item = { id: "", type: "fileChange", changes: n.params.changes, status: "inProgress" };
      const mapped = toExecItem(item as ServerItem, idForStarted(next, n.params.itemId));
      if (mapped) events.push({ type: "item.updated", item: mapped });
      break;
    }
    case "turn/diff/updated":
      events.push({ type: "turn.diff", diff: n.params.diff });
      break;
    case "turn/plan/updated":
      planUpdated(next, n.params, events);
      break;
    case "thread/tokenUsage/updated":
      next.usage = toUsage(n.params.tokenUsage.total);
      break;
    case "error": {
      const message = withDetails(n.params.error.message, n.params.error.additionalDetails);
      next.lastError = message;
      events.push({ type: "error", message });
      break;
    }
    case "serverRequest/resolved":
      approvalResolved(next, n.params.requestId, events);
      break;
    case "turn/completed":
      return turnCompleted(next, n.params.turn, events);
    default:
      if (!isIgnoredNotification(notification.method)) {
        const { method, params } = notification;
        events.push({ type: "app_server.notification", method, params });
      }
  }
  return { state: next, events };
}

function announceThread(state: TurnMapState, events: MappedEvent[]): void {
  if (state.threadAnnounced || state.threadId === null) return;
  state.threadAnnounced = true;
  events.push({ type: "thread.started", thread_id: state.threadId });
}

// codex exec reports agent messages and reasoning only once complete, a file change that starts
// again as an update, and leaves the user's prompt out.
function itemStarted(state: TurnMapState, item: ServerItem, events: MappedEvent[]): void {
  const treatment = itemTreatment(item.type);
  if (treatment === "omitted") return;
  if (treatment === "passed") {
    events.push({ type: "item.started", item: toExecItem(item, item.id)! });
    return;
  }
  if (item.type === "agentMessage" || item.type === "reasoning") return;
  const restarted = item.type === "fileChange" && item.id in state.execIds;
  const mapped = toExecItem(item, idForStarted(state, item.id));
  if (item.type === "mcpToolCall" && mapped)
    state.toolCalls[`${item.server}/${item.tool}`] = mapped.id;
  if (mapped) events.push({ type: restarted ? "item.updated" : "item.started", item: mapped });
}

function itemCompleted(state: TurnMapState, item: ServerItem, events: MappedEvent[]): void {
  const treatment = itemTreatment(item.type);
  if (treatment === "omitted") return;
  if (treatment === "passed") {
    events.push({ type: "item.completed", item: toExecItem(item, item.id)! });
    return;
  }
  if (item.type === "reasoning" && !toExecItem(item, "")) {
    delete state.execIds[item.id];
    return;
  }
  const mapped = toExecItem(item, idForCompleted(state, item.id));
  if (mapped) events.push({ type: "item.completed", item: mapped });
  if (item.type === "mcpToolCall" && state.toolCalls[`${item.server}/${item.tool}`] === mapped?.id)
    delete state.toolCalls[`${item.server}/${item.tool}`];
}

// Summary parts of one reasoning item are joined by a newline in its text; so are the deltas.
function summaryDelta(
  state: TurnMapState,
  params: v2.ReasoningSummaryTextDeltaNotification,
): MappedEvent {
  const previous = state.summaryParts[params.itemId];
  state.summaryParts[params.itemId] = params.summaryIndex;
  const newPart = previous !== undefined && params.summaryIndex > previous;
  return {
    type: "item.delta",
    item_id: idForStarted(state, params.itemId),
    kind: "reasoning_summary",
    delta: newPart ? `\n${params.delta}` : params.delta,
  };
}

// codex exec turns the plan into a `todo_list` item: started, updated, completed with the turn.
function planUpdated(
  state: TurnMapState,
  params: v2.TurnPlanUpdatedNotification,
  events: MappedEvent[],
): void {
  const items = params.plan.map((step) => ({
    text: step.step,
    completed: step.status === "completed",
  }));
  const started = state.todo === null;
  state.todo = { id: state.todo?.id ?? freshId(state), items };
  const item = { id: state.todo.id, type: "todo_list" as const, items };
  events.push({ type: started ? "item.started" : "item.updated", item });
  events.push({
    type: "turn.plan",
    explanation: params.explanation,
    steps: params.plan.map((step) => ({ step: step.step, status: PLAN_STATUS[step.status] })),
  });
}

function approvalResolved(
  state: TurnMapState,
  requestId: string | number,
  events: MappedEvent[],
): void {
  const pending = state.approvals[String(requestId)];
  if (!pending) return;
  delete state.approvals[String(requestId)];
  events.push({
    type: "approval.resolved",
    request_id: requestId,
    kind: pending.kind,
    item_id: pending.itemId,
    decision: pending.decision,
    ...(pending.reason === undefined ? {} : { reason: pending.reason }),
  });
}

function turnCompleted(state: TurnMapState, turn: v2.Turn, events: MappedEvent[]): MapStep {
  if (state.todo) {
    events.push({ type: "item.completed", item: { ...state.todo, type: "todo_list" } });
    state.todo = null;
  }
  for (const item of turn.items) {
    if (item.id in state.execIds) itemCompleted(state, item, events);
  }
  const outcome = turn.status === "inProgress" ? undefined : turn.status;
  if (outcome === "completed") {
    events.push({ type: "turn.completed", usage: state.usage ?? toUsage(null) });
  } else if (outcome === "failed") {
    const message = turn.error
      ? withDetails(turn.error.message, turn.error.additionalDetails)
      : (state.lastError ?? "turn failed");
    events.push({ type: "turn.failed", error: { message } });
  }
  return { state, events, ...(outcome && { outcome }) };
}

// codex exec reports the thread's running totals at the end of each turn.
function toUsage(total: v2.TokenUsageBreakdown | null): Usage {
  return {
    input_tokens: total?.inputTokens ?? 0,
    cached_input_tokens: total?.cachedInputTokens ?? 0,
    cache_write_input_tokens: total?.cacheWriteInputTokens ?? 0,
    output_tokens: total?.outputTokens ?? 0,
    reasoning_output_tokens: total?.reasoningOutputTokens ?? 0,
  };
}

function withDetails(message: string, details: string | null): string {
  return details ? `${message} (${details})` : message;
}
