import type { Input } from "../types/options.js";
import type { SerializedError } from "./remote-errors.js";

/**
 * What a producer asks of a running remote turn (`steer`, `interrupt`), as it travels through
 * Redis: pushed onto the turn's control list, taken by the worker that runs the turn, answered on
 * a reply list of the request's own.
 */
export type ControlRequest =
  { id: string; kind: "steer"; input: Input } | { id: string; kind: "interrupt" };

/** The worker's answer to a control request: done, or the error the local turn gave. */
export type ControlReply = { ok: true } | { ok: false; error: SerializedError };

/** How long an unanswered request and an unread reply are kept, in seconds. */
export const CONTROL_TTL_SECONDS = 3_600;
