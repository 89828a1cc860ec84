import type { Redis } from "ioredis";
import type { Input } from "../types/options.js";
import { bounded } from "./bounded.js";
import { CONTROL_TTL_SECONDS, type ControlReply, type ControlRequest } from "./control-request.js";
import type { QueueKeys } from "./keys.js";
import { serializeError } from "./remote-errors.js";

/** What a worker can do to a turn it runs: the local streamed turn's own controls. */
export type LocalTurnControl = {
  steer: (input: Input) => Promise<void>;
  interrupt: () => Promise<void>;
};

/** How long one command to Redis may take here, in ms. */
const COMMAND_TIMEOUT_MS = 10_000;

/**
 * A worker's running turns, by turn id, and the control requests producers make of them: when a
 * turn starts running here, and whenever its id is published on the control channel (its
 * producer publishes it every second while it waits), its requests are taken off its list (one
 * worker takes each, in order) and applied to the local turn; each is answered on its reply list. A request that fails (the local turn ended, steer on exec) is
 * answered with its error; Redis failing here only leaves the request unanswered (the producer
 * gives up when the turn ends).
 */
export class TurnControls {
  private readonly running = new Map<string, LocalTurnControl>();
  /** The turns whose requests are being taken now (one drain a turn: in order). */
  private readonly draining = new Set<string>();
  /** The turns told of requests while being drained: drained again after. */
  private readonly told = new Set<string>();

  constructor(
    private readonly client: Redis,
    private readonly keys: QueueKeys,
  ) {}

  /** The turn runs here now: its requests so far are applied. Returns its removal. */
  register(turnId: string, control: LocalTurnControl): () => void {
    this.running.set(turnId, control);
    this.requested(turnId);
    return () => {
      if (this.running.get(turnId) === control) this.running.delete(turnId);
    };
  }

  /** Requests were added for `turnId` (its id came on the control channel). */
  requested(turnId: string): void {
    const control = this.running.get(turnId);
    if (!control) return;
    if (this.draining.has(turnId)) {
      this.told.add(turnId);
      return;
    }
    this.draining.add(turnId);
    void this.drain(turnId, control)
      .catch(() => undefined)
      .finally(() => {
        this.draining.delete(turnId);
        if (this.told.delete(turnId)) this.requested(turnId);
      });
  }

  private async drain(turnId: string, control: LocalTurnControl): Promise<void> {
    // Only while the turn runs here: once it has left, its requests are for the next take.
    while (this.running.get(turnId) === control) {
      const json = await bounded(this.client.lpop(this.keys.control(turnId)), COMMAND_TIMEOUT_MS);
      if (json === null) return;
      const request = parsed(json);
      if (!request) continue;
      const reply = await applied(request, control);
      const key = this.keys.controlReply(request.id);
      await bounded(
        this.client
          .multi()
          .rpush(key, JSON.stringify(reply))
          .expire(key, CONTROL_TTL_SECONDS)
          .exec(),
        COMMAND_TIMEOUT_MS,
      );
    }
  }
}

/** The request in `json`, or undefined for anything that is not one. */
function parsed(json: string): ControlRequest | undefined {
  try {
    const value = JSON.parse(json) as Partial<ControlRequest> | null;
    if (typeof value?.id !== "string") return undefined;
    if (value.kind === "interrupt") return { id: value.id, kind: "interrupt" };
    if (value.kind === "steer" && "input" in value)
      return { id: value.id, kind: "steer", input: value.input as Input };
  } catch {
    // Not JSON: not a request.
  }
  return undefined;
}

/** Applies `request` to the local turn; its failure becomes the answer, never a throw. */
async function applied(request: ControlRequest, control: LocalTurnControl): Promise<ControlReply> {
  try {
    if (request.kind === "steer") await control.steer(request.input);
    else await control.interrupt();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
