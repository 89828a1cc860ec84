import type { ThreadEvent } from "../types/events.js";
import type { ThreadItem } from "../types/items.js";

/** One line describing an event, for a terminal. */
export function formatEvent(event: ThreadEvent): string {
  switch (event.type) {
    case "thread.started":
      return `thread.started   ${event.thread_id}`;
    case "turn.started":
      return "turn.started";
    case "turn.completed": {
      const { input_tokens, output_tokens } = event.usage;
      return `turn.completed   ${input_tokens} tokens in, ${output_tokens} out`;
    }
    case "turn.failed":
      return `turn.failed      ${event.error.message}`;
    case "turn.restarted":
      return `turn.restarted   attempt ${event.attempt} in ${event.delayMs} ms, after: ${event.error.message}`;
    case "error":
      return `error            ${event.message}`;
    case "item.started":
    case "item.updated":
    case "item.completed":
      return `${event.type.padEnd(16)} ${formatItem(event.item)}`;
    default:
      return JSON.stringify(event);
  }
}

function formatItem(item: ThreadItem): string {
  switch (item.type) {
    case "agent_message":
      return `agent_message: ${item.text}`;
    case "reasoning":
      return `reasoning: ${item.text}`;
    case "command_execution": {
      const output = item.aggregated_output.trim();
      return `command_execution [${item.status}] ${item.command}${output ? ` → ${output}` : ""}`;
    }
    case "file_change":
      return `file_change [${item.status}] ${item.changes.map((c) => `${c.kind} ${c.path}`).join(", ")}`;
    case "todo_list":
      return `todo_list: ${item.items.map((t) => `${t.completed ? "[x]" : "[ ]"} ${t.text}`).join("; ")}`;
    default:
      return JSON.stringify(item);
  }
}
