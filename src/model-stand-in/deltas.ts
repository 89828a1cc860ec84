import type { OutputItem } from "./replies.js";

/** One server-sent event of the Responses API stream, before it is framed. */
export type StreamEvent = { type: string } & Record<string, unknown>;

/**
 * The events that stream an item piece by piece before its `response.output_item.done`, as the
 * real service sends them: `output_item.added`, then a text delta per word for an assistant
 * message (`output_text.delta`) or a reasoning summary (`reasoning_summary_text.delta`).
 */
export function deltaEvents(item: OutputItem, outputIndex: number): StreamEvent[] {
  const pieces = (text: string) => text.match(/\s*\S+\s*/g) ?? [text];
  if (item.type === "message") {
    const content = item.content as Array<{ type: string; text?: string }>;
    return [
      {
        type: "response.output_item.added",
        output_index: outputIndex,
        item: { ...item, content: [] },
      },
      ...content.flatMap((part, contentIndex) =>
        pieces(part.text ?? "").map((delta) => ({
          type: "response.output_text.delta",
          item_id: item.id,
          output_index: outputIndex,
          content_index: contentIndex,
          delta,
        })),
      ),
    ];
  }
  if (item.type === "reasoning") {
    const summary = item.summary as Array<{ text: string }>;
    return [
      {
        type: "response.output_item.added",
        output_index: outputIndex,
        item: { ...item, summary: [] },
      },
      ...summary.flatMap((part, summaryIndex) =>
        pieces(part.text).map((delta) => ({
          type: "response.reasoning_summary_text.delta",
          item_id: item.id,
          output_index: outputIndex,
          summary_index: summaryIndex,
          delta,
        })),
      ),
    ];
  }
  return [];
}
