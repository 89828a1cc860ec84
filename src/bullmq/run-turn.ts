import type { Codex } from "../codex.js";
import type { ResolvedPolicy } from "../supervision/policy.js";
import type { ThreadEvent, TurnRestartedEvent } from "../types/events.js";
import { AbortError } from "../types/errors.js";
import { TurnInterruptedError } from "../types/app-server-errors.js";
import { serializeError } from "./remote-errors.js";
import { isConnectionError } from "./outage.js";
import { decideRetake } from "./retake-decision.js";
import type { SessionStore } from "./sessions.js";
import type { TurnControls } from "./turn-controls.js";
import type { Thread } from "../thread.js";
import {
  LeaseLostError,
  type SessionFile,
  type TurnClaim,
  type TurnRecord,
} from "./turn-record.js";
import type { TurnEnd, TurnJobData } from "./turn-job.js";

/** What a worker's processor needs besides the job. */
export type TurnRunner = {
  codex: Codex;
  sessions: SessionStore;
  /** The worker's supervision policy, which also decides restarts across workers. */
  policy: ResolvedPolicy | false;
  /** The record of a turn, for one take of its job. */
  record: (turnId: string) => TurnRecord;
  /** Where the producers' steers and interrupts reach the turns running here. */
  controls: TurnControls;
};

/**
 * Takes one job's turn: claims its record, then reports a turn that is over, fails one a lost
 * worker had started that may not run again (`WorkerLostError`), or runs it on the worker's local,
 * supervised `Codex` — restoring the thread's session, streaming every event, storing the session
 * with the turn's finish, then writing the end. Resolves with the end; rejects if Redis fails,
 * another take holds the turn now (`LeaseLostError`: this take's codex is stopped first), or
 * another turn heads its thread (`ThreadBusyError`: nothing started).
 */
export async function runTurnJob(
  runner: TurnRunner,
  data: TurnJobData,
  signal: AbortSignal | undefined,
  /** Aborted (with a `LeaseLostError`) when BullMQ could not renew the job's lock. */
  lease?: AbortSignal,
): Promise<TurnEnd> {
  const record = runner.record(data.turnId);
  const claim = await record.claim();
  const decision = decideRetake({
    turnId: data.turnId,
    claim,
    policy: runner.policy,
    now: Date.now(),
    random: Math.random(),
  });
  if (decision.do === "report") return decision.end;
  // A new thread's first turn lost after it had named its thread, before storing its session:
  // that thread has no history (run again, the turn starts another).
  if (decision.do !== "write" && claim.announced !== undefined)
    await record.voidThread(claim.announced);
  let end: TurnEnd;
  if (decision.do === "write") end = decision.end;
  else if (decision.do === "fail")
    end = { ok: false, threadId: data.threadId, error: serializeError(decision.error) };
  else {
    // The thread is this take's before anything starts (`ThreadBusyError`: it waits its turn).
    if (data.threadId !== null) await record.holdThread(data.threadId, false);
    await record.started(claim.attempts + 1);
    const stopped =
      decision.restarted && (await announceRestart(record, decision.restarted, data, signal));
    end = stopped || (await runLocally(runner, data, record, claim, signal, lease));
  }
  await record.end(end);
  return end;
}

/**
 * Writes a restart across workers into the turn's stream and waits its delay. A turn its
 * producer aborted or interrupted meanwhile ends here, without a run: its end is returned.
 */
async function announceRestart(
  record: TurnRecord,
  restarted: TurnRestartedEvent,
  data: TurnJobData,
  signal: AbortSignal | undefined,
): Promise<TurnEnd | undefined> {
  try {
    await record.event(restarted, { restartedAt: Date.now() });
  } catch (error) {
    if (!(error instanceof AbortError || error instanceof TurnInterruptedError)) throw error;
    return { ok: false, threadId: data.threadId, error: serializeError(error) };
  }
  await pause(restarted.delayMs, signal);
  return undefined;
}

/** Runs the turn on the local `Codex`, writing its events, then its finish (with the session). */
async function runLocally(
  runner: TurnRunner,
  data: TurnJobData,
  record: TurnRecord,
  claim: TurnClaim,
  signal: AbortSignal | undefined,
  lease: AbortSignal | undefined,
): Promise<TurnEnd> {
  // The local turn stops when BullMQ cancels the job, when its lock is lost, or when another
  // take holds the turn.
  const stop = new AbortController();
  const forward = () => stop.abort(signal?.reason);
  const leaseLost = () => stop.abort(lease?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener("abort", forward, { once: true });
  if (lease?.aborted) leaseLost();
  else lease?.addEventListener("abort", leaseLost, { once: true });
  const started: { thread?: Thread } = {};
  let settled: Promise<unknown> = Promise.resolve();
  let unregister: () => void = () => undefined;
  try {
    if (data.threadId !== null) await runner.sessions.restore(data.threadId);
    const thread = (started.thread =
      data.threadId === null
        ? runner.codex.startThread(data.thread)
        : runner.codex.resumeThread(data.threadId, data.thread));
    const streamed = await thread.runStreamed(data.input, { ...data.turn, signal: stop.signal });
    const { events, result } = streamed;
    settled = result.catch(() => undefined);
    unregister = runner.controls.register(data.turnId, streamed);
    for await (const event of events) {
      // Held before its id is in the stream: no producer can enqueue a turn for it before.
      if (event.type === "thread.started" && data.threadId === null)
        await record.holdThread(event.thread_id, true);
      await record.event(...numbered(event, claim.attempts));
    }
    const { attempts = 1 } = await result;
    const end: TurnEnd = { ok: true, threadId: thread.id, attempts: claim.attempts + attempts };
    await finish(runner, record, end, true);
    return end;
  } catch (error) {
    unregister(); // its steers and interrupts are for the turn's next take, if any
    // Whatever ended the take (another take holds the turn, Redis gone past its bound), its codex
    // stops before the processor returns.
    stop.abort(error);
    await settled;
    // The job's lock is lost: the turn is handed over (the stall check gives it to a worker,
    // which judges it by what this take recorded), not failed here.
    if (lease?.aborted) throw lease.reason;
    // Another take holds the turn, or Redis is gone past its bound: this take writes nothing
    // more, and the job is taken over once a worker's stall check finds it.
    if (error instanceof LeaseLostError || isConnectionError(error)) throw error;
    const threadId = started.thread?.id ?? data.threadId;
    const end: TurnEnd = { ok: false, threadId, error: serializeError(error) };
    // Only a session codex has run on is stored: a failed restore leaves this worker's copy stale.
    await finish(runner, record, end, started.thread !== undefined);
    return end;
  } finally {
    unregister();
    signal?.removeEventListener("abort", forward);
    lease?.removeEventListener("abort", leaseLost);
  }
}

/**
 * Records the turn's end with the session the turn left — a failed or aborted turn's too: its
 * prompt stays in the thread's history, as in a local run, whichever worker takes the next turn.
 * A session past the bound fails a completed turn (`SessionTooLargeError`); after a failed one it
 * is left unstored, and this worker stops counting its own copy as the stored one.
 */
async function finish(
  runner: TurnRunner,
  record: TurnRecord,
  end: TurnEnd,
  withSession: boolean,
): Promise<void> {
  let session: SessionFile | undefined;
  if (withSession && end.threadId !== null)
    try {
      session = await runner.sessions.file(end.threadId);
    } catch (error) {
      if (end.ok) throw error;
      runner.sessions.forget(end.threadId);
    }
  const generation = await record.finish(end, session);
  if (session) runner.sessions.stored(session.threadId, generation);
}

/**
 * The event as the turn's stream numbers it: a local restart's attempt counted after the
 * `earlier` attempts of lost takes, and recorded as started.
 */
function numbered(
  event: ThreadEvent,
  earlier: number,
): [ThreadEvent, { attempt?: number; restartedAt?: number }] {
  if (event.type !== "turn.restarted") return [event, {}];
  const attempt = earlier + event.attempt;
  // Recorded as a restart too: a later take counts it against the policy's maxRestarts.
  return [
    { ...event, attempt },
    { attempt, restartedAt: Date.now() },
  ];
}

/** Waits `ms` (a restart's backoff), or less if `signal` fires. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
