import type { ConnectionOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { bounded } from "./bounded.js";
import { RedisUnavailableError } from "./errors.js";

/** Where a distributed `Codex` and its workers meet: a Redis connection and a queue name. */
export type QueueConnection = {
  /** As BullMQ takes it: ioredis options (`{ host, port, password, … }`) or an ioredis client. */
  connection: ConnectionOptions;
  /** The queue's name: producers and workers of one name share its turns. */
  name: string;
  /** The prefix of every Redis key (BullMQ's and ours); default `bull`. */
  prefix?: string;
  /**
   * How long Redis may be unreachable (restarting, a network cut) while a turn runs or is
   * followed before the turn fails with `RedisUnavailableError`, in ms; default 30 000.
   */
  reconnectWithinMs?: number;
};

/** How long the first answer from Redis may take before it counts as unavailable. */
export const CONNECT_TIMEOUT_MS = 5_000;

const isClient = (connection: ConnectionOptions): connection is Redis =>
  typeof (connection as { duplicate?: unknown }).duplicate === "function";

/**
 * A Redis client of our own on `connection` (a duplicate of a client given), failing a command
 * after one reconnection attempt rather than queueing it forever.
 */
export function ownClient(connection: ConnectionOptions): Redis {
  const own: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 1 };
  if (isClient(connection)) return connection.duplicate(own);
  const { url, ...options } = connection as RedisOptions & { url?: string };
  return url === undefined
    ? new Redis({ ...options, ...own })
    : new Redis(url, { ...options, ...own });
}

/** `host:port` of `connection`, for messages: never its password. */
export function addressOf(connection: ConnectionOptions): string {
  if (isClient(connection)) return "the client given as connection";
  const { url, host, port, path } = connection as RedisOptions & { url?: string };
  if (typeof url === "string") {
    try {
      const parsed = new URL(url);
      return `${parsed.hostname}:${parsed.port || "6379"}`;
    } catch {
      return "the url given as connection";
    }
  }
  if (typeof path === "string") return path;
  return `${host ?? "localhost"}:${port ?? 6379}`;
}

/**
 * Connects `client` and checks Redis answers within `timeoutMs`; otherwise closes the client and
 * throws `RedisUnavailableError` saying what could not be done (`during`).
 */
export async function connected(
  client: Redis,
  connection: ConnectionOptions,
  during: string,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<Redis> {
  try {
    await bounded(client.ping(), timeoutMs);
    return client;
  } catch (cause) {
    client.disconnect();
    throw new RedisUnavailableError(addressOf(connection), during, { cause });
  }
}
