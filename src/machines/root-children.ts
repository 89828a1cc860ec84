import type { ThreadActorRef } from "./thread.machine.js";

/** The root's children that are services, not threads: the transport's, the tool server. */
export const SERVICE_IDS: ReadonlySet<string> = new Set(["service", "tools"]);

/** The thread actors among a root's children (its services left out). */
export function threadsOf(children: Record<string, unknown>): ThreadActorRef[] {
  return Object.entries(children)
    .filter(([id, child]) => child !== undefined && !SERVICE_IDS.has(id))
    .map(([, child]) => child as ThreadActorRef);
}
