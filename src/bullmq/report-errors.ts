/**
 * The handler of what BullMQ or Redis reports outside any turn (a worker's `error` events): the
 * user's `onError` (a throw from it is contained: it must not crash an event emitter), or else a
 * process warning, once per message.
 */
export function reportOnce(onError?: (error: Error) => void): (error: Error) => void {
  const seen = new Set<string>();
  return (error) => {
    if (onError) {
      try {
        onError(error);
      } catch {
        // Contained: see above.
      }
      return;
    }
    if (seen.has(error.message)) return;
    seen.add(error.message);
    process.emitWarning(`codex-actors/bullmq worker: ${error.message}`, {
      code: "CODEX_ACTORS_QUEUE",
    });
  };
}
