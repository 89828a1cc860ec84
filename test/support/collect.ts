/** Reads a turn's events to the end: the events seen, and the error that ended it, if any. */
export async function collect<E>(
  events: AsyncGenerator<E>,
): Promise<{ seen: E[]; error?: unknown }> {
  const seen: E[] = [];
  try {
    for await (const event of events) seen.push(event);
    return { seen };
  } catch (error) {
    return { seen, error };
  }
}
