import type { ThreadEvent } from "../types/events.js";

const NONE: readonly ThreadEvent[] = Object.freeze([]);
const SIDE_EFFECT_ITEMS = new Set(["command_execution", "file_change", "mcp_tool_call"]);

/**
 * Picks, from a chunk's events, the ones that move a turn's lifecycle: `thread.started`,
 * `turn.*`, and the first item that has a side effect (a command, file change or MCP call).
 */
export class LifecycleFilter {
  private sideEffectSeen = false;

  /** The lifecycle events among `events`, in order (one shared empty array when none). */
  of(events: readonly ThreadEvent[]): readonly ThreadEvent[] {
    let picked: ThreadEvent[] | undefined;
    for (const event of events) if (this.moves(event)) (picked ??= []).push(event);
    return picked ?? NONE;
  }

  private moves(event: ThreadEvent): boolean {
    if (event.type === "thread.started" || event.type.startsWith("turn.")) return true;
    if (this.sideEffectSeen || sideEffectIn(event) === null) return false;
    this.sideEffectSeen = true;
    return true;
  }
}

/** The item type when `event` starts or completes a command, file change or MCP call. */
export function sideEffectIn(event: ThreadEvent): string | null {
  if (event.type !== "item.started" && event.type !== "item.completed") return null;
  return SIDE_EFFECT_ITEMS.has(event.item?.type) ? event.item.type : null;
}
