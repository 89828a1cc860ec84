import type { ThreadConfig } from "../../supervision/turn-job.js";
import { fromCallback } from "xstate";
import type { TraceCarrier } from "../../telemetry/channels.js";
import { checkedTraceContext } from "../../telemetry/trace-context.js";
import { whenGone } from "../../process/process-group.js";
import { unwatchMark, watchMark } from "../../process/sentinel.js";
import type { ApprovalRequestedEvent } from "../../types/app-server.js";
import { CodexError, InternalError, type ProtocolError } from "../../types/errors.js";
import type { ThreadEvent } from "../../types/events.js";
import type { TurnControl } from "../../turn/turn-control.js";
import type { ThreadOptions } from "../../types/options.js";
import { sideEffectIn } from "../lifecycle-filter.js";
import { decideApproval, type ApprovalSettings } from "./approval-decision.js";
import {
  approvalKindOf,
  approvalResponse,
  mapApprovalRequest,
  recordApprovalDecision,
  withdrawApprovals,
} from "./map-approval.js";
import { mapNotification } from "./map-notification.js";
import { guardedReader } from "./message-guard.js";
import { activeWriterRefusal, rethrowStartRefusal } from "./request-refusals.js";
import { steerTurn } from "./steer-turn.js";
import { normalizeInput } from "../input.js";
import { watchAnswer } from "./answer-watch.js";
import { killThreadCommands, threadMarkOf } from "./server-commands.js";
import { call } from "./methods.js";
import type { JsonValue } from "./protocol/serde_json/JsonValue.js";
import type { ServerNotification } from "./protocol/index.js";
import type { RpcNotification, RpcServerRequest } from "./rpc-connection.js";
import type { AppServerLink, ServerSession } from "./server-link.js";
import { threadParamsOf, turnInputOf } from "./thread-params.js";
import { initialTurnMapState, type MappedEvent, type TurnOutcome } from "./turn-map-state.js";

type ThreadTokenUsageUpdated = Extract<ServerNotification, { method: "thread/tokenUsage/updated" }>;

/** How long an ending turn waits for the commands it killed to be gone. */
const COMMANDS_GONE_MS = 1_000;

/** What one attempt of a turn on the app-server needs. */
export type TurnSessionInput = {
  link: AppServerLink;
  thread: ThreadOptions;
  /** The thread to resume, or null to start one. */
  threadId: string | null;
  prompt: string;
  images: string[];
  outputSchema?: unknown;
  approvals: ApprovalSettings;
  /** The thread's own config (where its tools are served), merged into `thread/start`'s. */
  threadConfig: ThreadConfig | null;
  /** Receives the turn's events, in order. */
  deliver: (events: ThreadEvent[]) => void;
  /** Report `session.idle` when the server says nothing of this turn this long. */
  idleTimeoutMs?: number;
  /** Whether the consumer asked for `item.delta` events. */
  deltas?: boolean;
  /** The turn's handle, lent a way to steer this attempt while it runs. */
  control?: TurnControl;
  /** W3C trace context the server continues for this attempt's requests, if telemetry set one. */
  trace?: TraceCarrier;
  /** The thread's running token total before this attempt, where known. */
  threadTotal: number | null;
};

/** What the session reports to its turn machine. */
export type TurnSessionEvent =
  | { type: "session.connected"; pid: number }
  | { type: "session.thread"; threadId: string }
  | { type: "session.started" }
  | { type: "session.sideEffect"; itemType: string }
  | { type: "session.usage"; attemptTokens: number; threadTotal: number }
  /** Approvals waiting now; `at`: when this count was reached (ms since the epoch). */
  | { type: "session.approval"; pending: number; at: number }
  /** A steer reached the turn: how long its text was (the text itself is not reported). */
  | { type: "session.steered"; characters: number }
  | { type: "session.ended"; outcome: TurnOutcome; message: string | null }
  | { type: "session.failed"; error: CodexError }
  | { type: "session.idle"; idleTimeoutMs: number };

/**
 * One attempt's conversation with the app-server, as an actor: takes the server (started on
 * demand), starts or resumes the thread, starts the turn, maps its notifications to events for
 * the consumer (and the few that move the lifecycle for the machine), answers its approvals with
 * the thread's handler, and interrupts the turn on `session.interrupt`. A closed connection or a
 * refused request ends it with `session.failed`; nothing waits forever. However it ends, the
 * thread's commands are killed first (those left running in the background too).
 */
export const turnSessionLogic = fromCallback<
  { type: "session.interrupt" },
  TurnSessionInput,
  TurnSessionEvent
>(({ input, sendBack, receive }) => {
  let active = true;
  const send = (event: TurnSessionEvent) => {
    if (active) sendBack(event);
  };
  const release = input.link.hold();
  let state = initialTurnMapState(null);
  let session: ServerSession | undefined;
  let turnId: string | null = null;
  let interruptWanted = false;
  let sideEffectSeen = false;
  let pendingApprovals = 0;
  let commandsEnded: Promise<void> | undefined;
  const turnOver = new AbortController();
  const stops: Array<() => void> = [() => turnOver.abort()];

  const { idleTimeoutMs } = input;
  const idleTimer =
    idleTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          send({ type: "session.idle", idleTimeoutMs });
          // The server's silence may be the server's: it must answer a check, or be replaced.
          input.link.suspect();
        }, idleTimeoutMs);

  const deliver = (mapped: MappedEvent[]) => {
    const events = input.deltas ? mapped : mapped.filter((event) => event.type !== "item.delta");
    if (events.length === 0) return;
    input.deliver(events as ThreadEvent[]);
    for (const event of events as ThreadEvent[]) {
      if (event.type === "turn.started") send({ type: "session.started" });
      const itemType = sideEffectSeen ? null : sideEffectIn(event);
      if (itemType) {
        sideEffectSeen = true;
        send({ type: "session.sideEffect", itemType });
      }
    }
  };
  const ofThisTurn = (params: unknown) => {
    const ids = params as { threadId?: string; turnId?: string } | undefined;
    return ids?.threadId === state.threadId && (!ids?.turnId || !turnId || ids.turnId === turnId);
  };
  // The turn's end is reported once its thread's commands are gone, as an exec attempt's is.
  const end = (event: TurnSessionEvent) => void endCommands().then(() => send(event));
  // A message this turn cannot read fails the turn, which is interrupted on the server.
  const failWith = (error: ProtocolError) => {
    interrupt();
    end({ type: "session.failed", error });
  };
  const readNotification = (notification: RpcNotification) => {
    if (state.threadId === null || !ofThisTurn(notification.params)) return;
    idleTimer?.refresh();
    const step = mapNotification(state, notification);
    state = step.state;
    deliver(step.events);
    if (notification.method === "thread/tokenUsage/updated") reportUsage(notification);
    if (!step.outcome) return;
    end({ type: "session.ended", outcome: step.outcome, message: state.lastError });
  };
  // The thread's total before the attempt: known, or as a resumed thread's server restores it
  // (reported before the turn starts), else the first report's total less its own request.
  let tokenBaseline = input.threadTotal;
  const reportUsage = (notification: RpcNotification) => {
    const { params } = notification as ThreadTokenUsageUpdated;
    const { total, last } = params.tokenUsage;
    const threadTotal = total.inputTokens + total.outputTokens;
    if (turnId === null || params.turnId !== turnId) {
      tokenBaseline ??= threadTotal;
      return;
    }
    tokenBaseline ??= threadTotal - (last.inputTokens + last.outputTokens);
    send({ type: "session.usage", attemptTokens: threadTotal - tokenBaseline, threadTotal });
  };
  const readServerRequest = (request: RpcServerRequest) => {
    if (state.threadId === null || !ofThisTurn(request.params) || !session) return;
    const { connection } = session;
    if (!approvalKindOf(request)) {
      connection.respondError(request.id, {
        code: -32601,
        message: `not handled: ${request.method}`,
      });
      return;
    }
    idleTimer?.refresh();
    const step = mapApprovalRequest(state, request);
    state = step.state;
    deliver(step.events);
    send({ type: "session.approval", pending: ++pendingApprovals, at: Date.now() });
    const asked = step.events[0] as ApprovalRequestedEvent;
    void decideApproval(input.approvals, asked, turnOver.signal).then(({ decision, reason }) => {
      if (!active) return; // Given up: the turn is over.
      state = recordApprovalDecision(state, request.id, decision, reason);
      connection.respond(request.id, approvalResponse(request, decision));
      idleTimer?.refresh(); // The wait for the handler was not the server's silence.
      send({ type: "session.approval", pending: --pendingApprovals, at: Date.now() });
    });
  };
  // What the turn's commands leave running outlives the turn (codex kills none of it, even when
  // interrupted): everything of its thread is ended, once. One turn of a thread runs at a time.
  const endCommands = (): Promise<void> => {
    if (commandsEnded || !session || state.threadId === null)
      return commandsEnded ?? Promise.resolve();
    const killed = killThreadCommands(session.pid, state.threadId, input.link.holders === 1);
    unwatchMark(threadMarkOf(state.threadId));
    return (commandsEnded = whenGone(killed, killed, COMMANDS_GONE_MS));
  };
  const interrupt = () => {
    interruptWanted = true;
    if (!session || state.threadId === null || turnId === null) return;
    call(session.connection, "turn/interrupt", { threadId: state.threadId, turnId }).catch(
      () => undefined, // The turn may have ended meanwhile; its end is reported as it comes.
    );
  };

  // One turn of a thread at a time on the server: another Thread object's is refused.
  const claim = (threadId: string) => {
    const release = input.link.threads.claim(threadId);
    if (!release) throw activeWriterRefusal(threadId);
    if (active) stops.push(release);
    else release(); // Stopped meanwhile: its stops have run.
  };

  const run = async () => {
    session = await input.link.acquire();
    if (!active) return;
    send({ type: "session.connected", pid: session.pid });
    const { connection } = session;
    stops.push(connection.onNotification(guardedReader(readNotification, failWith)));
    stops.push(connection.onServerRequest(guardedReader(readServerRequest, failWith)));
    stops.push(
      connection.onClosed((error) => {
        const step = withdrawApprovals(state, "the server ended before the answer reached it");
        state = step.state;
        deliver(step.events);
        end({ type: "session.failed", error });
      }),
    );
    const params = threadParamsOf(
      input.thread,
      input.approvals.handler !== undefined,
      input.threadConfig,
    );
    const traced = { trace: checkedTraceContext(input.trace) ?? undefined };
    if (input.threadId !== null) claim(input.threadId);
    const { thread } = await (
      input.threadId === null
        ? call(connection, "thread/start", params, traced)
        : call(connection, "thread/resume", { ...params, threadId: input.threadId }, traced)
    ).catch(rethrowStartRefusal);
    if (input.threadId === null) claim(thread.id);
    state = initialTurnMapState(thread.id);
    // Should the host be killed, the sentinel kills the thread's commands too.
    if (active) watchMark(threadMarkOf(thread.id));
    send({ type: "session.thread", threadId: thread.id });
    const { turn } = await call(
      connection,
      "turn/start",
      {
        threadId: thread.id,
        input: turnInputOf(input.prompt, input.images),
        ...(input.outputSchema === undefined
          ? {}
          : { outputSchema: input.outputSchema as JsonValue }),
      },
      traced,
    ).catch(rethrowStartRefusal);
    turnId = turn.id;
    input.control?.lendSteer(async (more) => {
      await watchAnswer(
        input.link,
        steerTurn(connection, thread.id, turn.id, more, turnOver.signal),
      );
      send({ type: "session.steered", characters: normalizeInput(more).prompt.length });
    });
    if (interruptWanted) interrupt();
  };
  run().catch((error: unknown) =>
    end({
      type: "session.failed",
      error:
        error instanceof CodexError
          ? error
          : new InternalError("reading the app-server's answers", error),
    }),
  );

  receive((command) => {
    if (command.type === "session.interrupt") interrupt();
  });

  return () => {
    active = false;
    input.control?.lendSteer(null);
    clearTimeout(idleTimer);
    for (const stop of stops) stop();
    void endCommands();
    release();
  };
});
