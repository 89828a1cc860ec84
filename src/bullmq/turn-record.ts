import type { Redis } from "ioredis";
import { sideEffectIn } from "../transports/lifecycle-filter.js";
import type { ThreadEvent } from "../types/events.js";
import { AbortError } from "../types/errors.js";
import { TurnInterruptedError } from "../types/app-server-errors.js";
import type { LostSideEffect } from "./errors.js";
import type { QueueKeys } from "./keys.js";
import { bounded } from "./bounded.js";
import { luaScript } from "./lua-script.js";
import { untilAnswered } from "./outage.js";
import type { TurnEnd } from "./turn-job.js";

/**
 * A turn's record in Redis, beside its event stream: who runs it (`owner`, a fencing token every
 * take of the job increments), how many events and attempts it has had, when it was restarted
 * across workers, the side effects its attempts started, and how it ended. A worker that took
 * the job over writes only while it holds the newest token, so a worker that lost its job's lock
 * but lives on cannot write into the turn any more: its next write fails with `LeaseLostError`.
 */

/** What a take of the job finds in the turn's record. */
export type TurnClaim = {
  /** Attempts started by earlier takes (0: the turn never ran). */
  attempts: number;
  /** When earlier takes were restarted, in ms. */
  restartTimes: number[];
  /** The side effects earlier takes' attempts started. */
  sideEffects: LostSideEffect[];
  /** The turn's end, written already: it is over. */
  end?: TurnEnd;
  /** The end an earlier take reached (events streamed, session stored) but did not write. */
  finish?: TurnEnd;
  /** Its producer cancelled it (its `signal` aborted). */
  cancelled?: boolean;
  /** A producer interrupted it (`interrupt()`). */
  interrupted?: boolean;
  /** The thread a new thread's first turn had started (and streamed the id of) in an earlier take. */
  announced?: string;
};

/** Another take of the job holds the turn now: this one must stop writing and stop its codex. */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
  constructor(readonly turnId: string) {
    super(`Another worker has taken turn ${turnId} over; this one stops.`);
  }
}

/**
 * Another turn heads the thread's order list, which was empty when the job was looked at (a
 * producer enqueued a turn in between): this take starts nothing, and the job waits its turn.
 */
export class ThreadBusyError extends Error {
  override readonly name = "ThreadBusyError";
  constructor(readonly turnId: string) {
    super(`Another turn of the thread of turn ${turnId} runs first; it waits.`);
  }
}

/** What a turn interrupted from a producer says it was interrupted by. */
export const INTERRUPTED_BY_PRODUCER = "interrupt() from a producer";

/** The bound on a lost turn's keys, which no end expires: a week, in seconds. */
export const ORPHAN_TTL_SECONDS = 7 * 24 * 3_600;

/** How long one command may go unanswered before it is tried again, in ms. */
const COMMAND_TIMEOUT_MS = 10_000;

/**
 * How long a turn's record outlives its end at least, in seconds (a day): a take of its job after
 * a worker died between the end and BullMQ's completion must still find the end, whatever
 * `keepStreamSeconds` says.
 */
const RECORD_AFTER_END_SECONDS = 24 * 3_600;

/** The side effects a record keeps (the first ones). */
const MAX_SIDE_EFFECTS = 20;

// KEYS: stream, record, effects. ARGV: token, field, json, maxlen, effect, attempts, restartedAt,
// keepSeconds, n (the entry's number: one Redis has already is not written twice).
const APPEND = luaScript(
  "Append",
  3,
  `
if redis.call('HGET', KEYS[2], 'owner') ~= ARGV[1] then return -1 end
local n = tonumber(redis.call('HGET', KEYS[2], 'n') or '0')
if n >= tonumber(ARGV[9]) then return n end
if ARGV[2] == 'event' and redis.call('HGET', KEYS[2], 'cancelled') == '1' then return -2 end
if ARGV[2] == 'event' and redis.call('HGET', KEYS[2], 'interrupted') == '1' then return -4 end
n = redis.call('HINCRBY', KEYS[2], 'n', 1)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'n', n, ARGV[2], ARGV[3])
if n == 1 then redis.call('EXPIRE', KEYS[1], ${ORPHAN_TTL_SECONDS}) end
if ARGV[5] ~= '' and redis.call('LLEN', KEYS[3]) < ${MAX_SIDE_EFFECTS} then
  redis.call('RPUSH', KEYS[3], ARGV[5])
  redis.call('EXPIRE', KEYS[3], ${ORPHAN_TTL_SECONDS})
end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[2], 'attempts', ARGV[6]) end
if ARGV[7] ~= '' then
  local times = redis.call('HGET', KEYS[2], 'restarts')
  redis.call('HSET', KEYS[2], 'restarts', times and (times .. ',' .. ARGV[7]) or ARGV[7])
end
if ARGV[2] == 'end' then
  redis.call('HSET', KEYS[2], 'end', ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[8])
  redis.call('EXPIRE', KEYS[3], ARGV[8])
  redis.call('EXPIRE', KEYS[2], math.max(tonumber(ARGV[8]), ${RECORD_AFTER_END_SECONDS}))
end
return n`,
);

// KEYS: record, session. ARGV: token, finish, path, data, holder. Returns the session's
// generation (0: none); -1 when another take holds the turn or another turn its thread.
const FINISH = luaScript(
  "Finish",
  2,
  `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return -1 end
local holder = redis.call('HGET', KEYS[2], 'holder')
if holder and holder ~= ARGV[5] then return -1 end
local generation = 0
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[2], 'path', ARGV[3], 'data', ARGV[4])
  redis.call('PERSIST', KEYS[2])
  generation = redis.call('HINCRBY', KEYS[2], 'generation', 1)
end
redis.call('HSET', KEYS[1], 'finish', ARGV[2])
return generation`,
);

// KEYS: record, thread's list, session. ARGV: token, turn id, first ('1': a new thread's first
// turn, which nobody else could have enqueued behind yet), holder, thread id (kept in a first
// turn's record). -1: another take holds the turn; -3: another turn heads the thread.
const HOLD = luaScript(
  "Hold",
  3,
  `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return -1 end
local head = redis.call('LINDEX', KEYS[2], 0)
if head ~= ARGV[2] then
  if head and ARGV[3] ~= '1' then return -3 end
  redis.call('LPUSH', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ${ORPHAN_TTL_SECONDS})
end
redis.call('HSET', KEYS[3], 'holder', ARGV[4])
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'thread', ARGV[5]) end
if redis.call('HEXISTS', KEYS[3], 'data') == 0 then
  redis.call('EXPIRE', KEYS[3], ${ORPHAN_TTL_SECONDS})
end
return 1`,
);

// KEYS: stream, record. ARGV: end json, keepSeconds. Ends a turn no take has ended, from outside
// any take: every take is fenced out first (its next write fails), then the end is appended.
const END_FROM_OUTSIDE = luaScript(
  "EndFromOutside",
  2,
  `
if redis.call('HEXISTS', KEYS[2], 'end') == 1 then return 0 end
redis.call('HINCRBY', KEYS[2], 'owner', 1)
local n = redis.call('HINCRBY', KEYS[2], 'n', 1)
redis.call('XADD', KEYS[1], '*', 'n', n, 'end', ARGV[1])
redis.call('HSET', KEYS[2], 'end', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], math.max(tonumber(ARGV[2]), ${RECORD_AFTER_END_SECONDS}))
return 1`,
);

/**
 * Ends turn `turnId` with `end` from outside any take (a producer interrupting a turn no worker
 * has taken): takes are fenced out, the end is the stream's last entry. False if it had ended.
 */
export async function endFromOutside(
  client: Redis,
  keys: QueueKeys,
  turnId: string,
  end: TurnEnd,
  keepSeconds: number,
): Promise<boolean> {
  const ended = await END_FROM_OUTSIDE(
    client,
    keys.events(turnId),
    keys.record(turnId),
    JSON.stringify(end),
    keepSeconds,
  );
  return ended === 1;
}

// KEYS: session. A thread whose first turn was lost before it stored a session: no history.
const VOID = luaScript(
  "Void",
  1,
  `
if redis.call('HEXISTS', KEYS[1], 'data') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'void', '1')
redis.call('EXPIRE', KEYS[1], ${ORPHAN_TTL_SECONDS})
return 1`,
);

// KEYS: record. ARGV: token, attempts.
const STARTED = luaScript(
  "Started",
  1,
  `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return -1 end
redis.call('HSET', KEYS[1], 'attempts', ARGV[2])
return 1`,
);

/** A thread's session as the worker stores it with the turn's finish. */
export type SessionFile = { threadId: string; path: string; data: Buffer };

/** One take of a turn's job: claims the record, then writes the turn while it holds it. */
export class TurnRecord {
  private token = "";
  /** The number of the last entry of the stream, as this take knows it. */
  private n = 0;
  private readonly sideEffectIds = new Set<string>();
  private readonly keys: [stream: string, record: string, effects: string];
  private readonly threadKeys: { turns: (id: string) => string; session: (id: string) => string };

  constructor(
    private readonly client: Redis,
    queueKeys: QueueKeys,
    readonly turnId: string,
    private readonly limits: {
      maxEvents: number;
      keepSeconds: number;
      /** How long Redis may be unreachable before a write fails. */
      reconnectWithinMs: number;
    },
  ) {
    this.keys = [queueKeys.events(turnId), queueKeys.record(turnId), queueKeys.effects(turnId)];
    this.threadKeys = { turns: queueKeys.threadTurns, session: queueKeys.session };
  }

  /** Takes the turn over (every earlier take stops writing) and says what the record holds. */
  async claim(): Promise<TurnClaim> {
    const [, record, effects] = this.keys;
    const replies = await this.answered(() =>
      this.client
        .multi()
        .hincrby(record, "owner", 1)
        .expire(record, ORPHAN_TTL_SECONDS, "NX") // Redis 7: an ended turn keeps its shorter one
        .hgetall(record)
        .lrange(effects, 0, -1)
        .exec(),
    );
    const [owner, , fields, effectList] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [number, unknown, Record<string, string>, string[]];
    this.token = String(owner);
    this.n = Number(fields.n ?? 0);
    const restarts = fields.restarts ?? "";
    return {
      attempts: Number(fields.attempts ?? 0),
      restartTimes: restarts === "" ? [] : restarts.split(",").map(Number),
      sideEffects: effectList.map((json) => JSON.parse(json) as LostSideEffect),
      end: fields.end === undefined ? undefined : (JSON.parse(fields.end) as TurnEnd),
      finish: fields.finish === undefined ? undefined : (JSON.parse(fields.finish) as TurnEnd),
      cancelled: fields.cancelled === "1",
      announced: fields.thread,
      interrupted: fields.interrupted === "1",
    };
  }

  /** Records that this take starts attempt `attempt` (before its codex starts). */
  async started(attempt: number): Promise<void> {
    const reply = await this.answered(() =>
      STARTED(this.client, this.keys[1], this.token, attempt),
    );
    if (reply === -1) throw new LeaseLostError(this.turnId);
  }

  /**
   * Makes this take the one that runs thread `threadId` now: only its finish may store the
   * thread's session (a take of an earlier turn that lives on after its thread moved on is
   * fenced out). A new thread's first turn (`first`) is put at the head of the thread's order
   * list, before anyone can learn the thread's id, so that turns enqueued for it by other
   * producers run after it. Throws `LeaseLostError` if another take holds the turn, and
   * `ThreadBusyError` if another turn heads the thread (it runs first).
   */
  async holdThread(threadId: string, first: boolean): Promise<void> {
    const [, record] = this.keys;
    const reply = await this.answered(() =>
      HOLD(
        this.client,
        record,
        this.threadKeys.turns(threadId),
        this.threadKeys.session(threadId),
        this.token,
        this.turnId,
        first ? "1" : "0",
        this.holder(),
        threadId,
      ),
    );
    if (reply === -1) throw new LeaseLostError(this.turnId);
    if (reply === -3) throw new ThreadBusyError(this.turnId);
  }

  /**
   * Marks thread `threadId` as having no history: the first turn that started it was lost before
   * it stored its session, and does not go on with it. A turn resumed on it fails
   * (`SessionRestoreError`) rather than run on whatever copy a worker kept. Written once only:
   * a thread whose session was stored is left as it is.
   */
  async voidThread(threadId: string): Promise<void> {
    await this.answered(() => VOID(this.client, this.threadKeys.session(threadId)));
  }

  /**
   * Appends `event` to the turn's stream, with the side effect it starts, if any; `attempt` sets
   * the attempts started, `restartedAt` records a restart across workers.
   */
  async event(
    event: ThreadEvent,
    progress: { attempt?: number; restartedAt?: number } = {},
  ): Promise<void> {
    await this.append("event", event, {
      effect: this.sideEffectOf(event),
      attempts: progress.attempt,
      restartedAt: progress.restartedAt,
    });
  }

  /**
   * Records the end this take reached and, in the same step, the thread's session: a take after
   * this one writes that end without running the turn again. Resolves with the session's
   * generation (0 when there is none).
   */
  async finish(end: TurnEnd, session: SessionFile | undefined): Promise<number> {
    const [, record] = this.keys;
    const generation = await this.answered(() =>
      FINISH(
        this.client,
        record,
        end.threadId === null ? record : this.threadKeys.session(end.threadId),
        this.token,
        JSON.stringify(end),
        session?.path ?? "",
        session?.data ?? "",
        this.holder(),
      ),
    );
    if (generation === -1) throw new LeaseLostError(this.turnId);
    return Number(generation);
  }

  /** Writes the turn's end: its stream's last entry; its keys expire `keepSeconds` later. */
  async end(end: TurnEnd): Promise<void> {
    await this.append("end", end, {});
  }

  private async append(
    field: "event" | "end",
    value: unknown,
    extra: { effect?: LostSideEffect; attempts?: number; restartedAt?: number },
  ): Promise<void> {
    const expected = this.n + 1;
    const n = await this.answered(() =>
      APPEND(
        this.client,
        ...this.keys,
        this.token,
        field,
        JSON.stringify(value),
        this.limits.maxEvents,
        extra.effect ? JSON.stringify(extra.effect) : "",
        extra.attempts ?? "",
        extra.restartedAt ?? "",
        this.limits.keepSeconds,
        expected,
      ),
    );
    if (n === -1) throw new LeaseLostError(this.turnId);
    if (n === -2) throw new AbortError("The turn was aborted by its producer.");
    if (n === -4) throw new TurnInterruptedError(INTERRUPTED_BY_PRODUCER);
    this.n = expected;
  }

  /** What this take writes into its thread's session hash while it runs the thread. */
  private holder(): string {
    return `${this.turnId}:${this.token}`;
  }

  /** `command`'s answer, an outage of up to `reconnectWithinMs` ridden out; each try bounded. */
  private answered<T>(command: () => Promise<T>): Promise<T> {
    return untilAnswered(
      () => bounded(command(), COMMAND_TIMEOUT_MS),
      this.limits.reconnectWithinMs,
    );
  }

  private sideEffectOf(event: ThreadEvent): LostSideEffect | undefined {
    const type = sideEffectIn(event);
    if (type === null || !("item" in event) || this.sideEffectIds.has(event.item.id)) return;
    this.sideEffectIds.add(event.item.id);
    return { type, id: event.item.id, detail: detailOf(event.item as SideEffectItem) };
  }
}

type SideEffectItem = {
  type: string;
  command?: string;
  changes?: { path: string }[];
  server?: string;
  tool?: string;
};

/** What a side effect did, in a few words: the command, the paths, `server/tool`. */
function detailOf(item: SideEffectItem): string {
  if (item.type === "command_execution") return item.command ?? "";
  if (item.type === "file_change") return (item.changes ?? []).map((c) => c.path).join(", ");
  return `${item.server ?? "?"}/${item.tool ?? "?"}`;
}
