import type { ThreadEvent } from "../../types/events.js";

const SIDE_EFFECT_ITEMS = new Set(["command_execution", "file_change", "mcp_tool_call"]);

/**
 * Picks, from a chunk's events, the ones that move a turn's lifecycle: `thread.started`,
 * `turn.*`, and the first item that has a side effect (a command, file change or MCP call).
 */
export class LifecycleFilter {
  private sideEffectSeen = false;

  /** The lifecycle events among `events`, in order. */
  of(events: ThreadEvent[]): ThreadEvent[] {
    const picked: ThreadEvent[] = [];
    for (const event of events) {
      if (event.type === "thread.started" || event.type.startsWith("turn.")) {
        picked.push(event);
      } else if (!this.sideEffectSeen && sideEffectIn(event)) {
        this.sideEffectSeen = true;
        picked.push(event);
      }
    }
    return picked;
  }
}

/** The item type when `event` starts or completes a command, file change or MCP call. */
export function sideEffectIn(event: ThreadEvent): string | null {
  if (event.type !== "item.started" && event.type !== "item.completed") return null;
  return SIDE_EFFECT_ITEMS.has(event.item?.type) ? event.item.type : null;
}
