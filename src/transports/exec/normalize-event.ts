import type { ThreadEvent, Usage } from "../../types/events.js";

const USAGE_FIELDS: readonly (keyof Usage)[] = [
  "input_tokens",
  "cached_input_tokens",
  "cache_write_input_tokens",
  "output_tokens",
  "reasoning_output_tokens",
];

/**
 * Fills what codex versions leave out, so every `Usage` has all five fields, and reports a
 * running command's `exit_code: null` as absent, as the official types have it.
 */
export function normalizeEvent(event: ThreadEvent): ThreadEvent {
  if (event.type === "item.started" || event.type === "item.updated") {
    const item = event.item as { exit_code?: number | null };
    if (item?.exit_code === null) item.exit_code = undefined;
    return event;
  }
  if (event.type === "turn.completed") {
    const usage = (event.usage ?? {}) as Partial<Usage>;
    for (const field of USAGE_FIELDS) {
      if (typeof usage[field] !== "number") usage[field] = 0;
    }
    event.usage = usage as Usage;
  }
  return event;
}
