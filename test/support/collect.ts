import type { ThreadEvent } from "../../src/index.js";

/** Reads a turn's events to the end: the events seen, and the error that ended it, if any. */
export async function collect(
  events: AsyncGenerator<ThreadEvent>,
): Promise<{ seen: ThreadEvent[]; error?: unknown }> {
  const seen: ThreadEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
    return { seen };
  } catch (error) {
    return { seen, error };
  }
}
