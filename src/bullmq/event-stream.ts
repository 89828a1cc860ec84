import type { Redis } from "ioredis";
import type { ThreadEvent } from "../types/events.js";
import { AbortError } from "../types/errors.js";
import { EventsLostError, QueueClosedError } from "./errors.js";
import type { TurnEnd } from "./turn-job.js";
import { DEFAULT_RECONNECT_WITHIN_MS, Outage } from "./outage.js";

/**
 * A turn's events in a Redis Stream of their own (written by `TurnRecord`): each entry is
 * numbered (`n`, from 1) and holds one event, the last one holds the turn's end. A consumer that starts late reads from the first
 * entry, so it misses nothing the stream still holds; a gap in the numbers (trimmed past
 * `maxStreamEvents`) is an `EventsLostError`, never a silent loss.
 */

/** What the reader asks when its stream has been silent for a while: a reason the turn is lost. */
export type LostCheck = () => Promise<Error | undefined>;

/** How long one blocking read waits before the reader checks the job and its stop signal. */
export const READ_BLOCK_MS = 1_000;

/**
 * Reads the stream at `key` from its start: yields each event, returns the end. Every wait is
 * bounded: after each silent `READ_BLOCK_MS` it asks `lost` (throwing what it answers) and checks
 * `stop` (throwing `AbortError` for the user's signal, `QueueClosedError` for a shutdown). `client`
 * is the reader's own: a blocking read holds its connection.
 */
export async function* readEventStream(
  client: Redis,
  key: string,
  turnId: string,
  lost: LostCheck,
  stop: { user?: AbortSignal; shutdown: AbortSignal },
  /** How long Redis may be unreachable before the reader gives up (throwing the client's error). */
  reconnectWithinMs = DEFAULT_RECONNECT_WITHIN_MS,
): AsyncGenerator<ThreadEvent, TurnEnd> {
  let last = "0";
  let expected = 1;
  const outage = new Outage(reconnectWithinMs);
  for (;;) {
    if (stop.user?.aborted) throw new AbortError(undefined, { cause: stop.user.reason });
    if (stop.shutdown.aborted)
      throw new QueueClosedError(
        `The distributed Codex was shut down while turn ${turnId} ran; it is no longer followed.`,
      );
    let entries: [id: string, fields: string[]][];
    try {
      const answer = await client.xread("COUNT", 100, "BLOCK", READ_BLOCK_MS, "STREAMS", key, last);
      entries = answer?.[0]?.[1] ?? [];
      if (entries.length === 0) {
        const reason = await lost();
        if (reason) throw reason;
      }
      outage.answered();
    } catch (error) {
      await outage.ride(error);
      continue;
    }
    for (const [id, fields] of entries) {
      last = id;
      const entry = fieldsOf(fields);
      const n = Number(entry.n);
      if (n !== expected) throw new EventsLostError(turnId, expected, n);
      expected += 1;
      if (entry.end !== undefined) return JSON.parse(entry.end) as TurnEnd;
      if (entry.event !== undefined) yield JSON.parse(entry.event) as ThreadEvent;
    }
  }
}

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}
