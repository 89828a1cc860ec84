import { CodexError } from "../types/errors.js";
import { QueueError } from "./errors.js";

/** The default bound on riding out a Redis outage, in ms. */
export const DEFAULT_RECONNECT_WITHIN_MS = 30_000;

/** How long to wait between two tries while Redis is unreachable, in ms. */
const RETRY_PAUSE_MS = 250;

/**
 * Whether `error` says Redis could not be reached (a lost connection, a command that got no
 * answer) rather than what Redis answered (`ReplyError`) or one of this library's verdicts.
 */
export function isConnectionError(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name !== "ReplyError" &&
    error.name !== "LeaseLostError" &&
    !(error instanceof QueueError) &&
    !(error instanceof CodexError)
  );
}

/**
 * Rides out a Redis outage of up to `withinMs`: a lost connection is waited out (tries spaced by
 * a pause) until Redis answers again; past the bound, or for any other error, the error is
 * thrown. An answer ends the outage.
 */
export class Outage {
  private since: number | undefined;

  constructor(private readonly withinMs: number) {}

  /** Redis answered: the outage, if any, is over. */
  answered(): void {
    this.since = undefined;
  }

  /** Throws `error` unless it is a lost connection within the bound; otherwise pauses. */
  async ride(error: unknown): Promise<void> {
    if (!isConnectionError(error)) throw error;
    this.since ??= Date.now();
    if (Date.now() - this.since >= this.withinMs) throw error;
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
  }
}

/** Runs `command` until Redis answers it, riding out an outage of up to `withinMs`. */
export async function untilAnswered<T>(command: () => Promise<T>, withinMs: number): Promise<T> {
  const outage = new Outage(withinMs);
  for (;;) {
    try {
      return await command();
    } catch (error) {
      await outage.ride(error);
    }
  }
}
