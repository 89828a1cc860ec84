import type { TurnOptions } from "../types/options.js";
import type { ThreadEvent } from "../types/events.js";
import { remoteTurn, type ProducerLink } from "./remote-turn.js";
import { remoteControls, turnCollector, type RemoteStreamedTurn } from "./thread.js";

/** How a producer follows a turn it finds in the queue: its signal, and how to read its output. */
export type AttachOptions = Pick<TurnOptions, "signal" | "outputSchema" | "rejectInvalidOutput">;

/**
 * Follows a turn that is in the queue already, from any producer: its events from the first
 * (wherever its worker got to), and the `Turn` they add up to. Aborting `signal` cancels the turn,
 * as it does for the producer that enqueued it.
 */
export function attachTurn<T>(
  link: () => Promise<ProducerLink>,
  turnId: string,
  options: AttachOptions,
): RemoteStreamedTurn<T> {
  const collector = turnCollector<T>(options);
  async function* events(): AsyncGenerator<ThreadEvent> {
    try {
      const nothing = () => undefined;
      yield* remoteTurn(await link(), { turnId }, collector, nothing, options.signal, undefined);
    } catch (error) {
      collector.end({ error });
      throw error;
    }
  }
  return { turnId, events: events(), result: collector.result, ...remoteControls(link, turnId) };
}
