/**
 * What is wrong with the shape of an event `codex exec` printed, or null when the library can
 * read it: an `item.*` event needs an item with a string `type` (and an agent message a string
 * `text`), a `turn.failed` an error. Other fields pass as they come; unknown event types too.
 */
export function eventShapeProblem(
  event: { type: string } & Record<string, unknown>,
): string | null {
  if (event.type.startsWith("item.")) {
    const item = event.item as { type?: unknown; text?: unknown } | null | undefined;
    if (typeof item !== "object" || item === null || typeof item.type !== "string") {
      return `${event.type} without an item of a string \`type\``;
    }
    if (item.type === "agent_message" && typeof item.text !== "string") {
      return "an agent_message whose `text` is not a string";
    }
  }
  if (event.type === "turn.failed" && (typeof event.error !== "object" || event.error === null)) {
    return "turn.failed without an error";
  }
  return null;
}
