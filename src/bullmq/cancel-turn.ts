import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { QueueKeys } from "./keys.js";
import { ORPHAN_TTL_SECONDS } from "./turn-record.js";

/**
 * Cancels a turn its producer aborted: marks its record (a worker that takes it later fails it
 * with `AbortError` and runs nothing), tells the workers (the one running it stops its codex),
 * and removes its job if no worker has taken it yet. In that order, so that a worker taking the
 * job meanwhile either sees the mark or gets the message.
 */
export async function cancelTurn(
  queue: Queue,
  keys: QueueKeys,
  client: Redis,
  turnId: string,
): Promise<void> {
  const record = keys.record(turnId);
  await client
    .multi()
    .hset(record, "cancelled", "1")
    .expire(record, ORPHAN_TTL_SECONDS, "NX")
    .publish(keys.cancel, turnId)
    .exec();
  await queue.remove(turnId);
}
