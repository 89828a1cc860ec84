import type { AnyActorRef, StateValue } from "xstate";
import type { CodexActorRef, RecentFailure } from "./codex.machine.js";
import type { LastOutcome, ThreadContext } from "./thread-turn.js";
import type { ThreadActorRef } from "./thread.machine.js";
import { threadsOf } from "./root-children.js";
import { turnNumber } from "./thread-views.js";
import type { Budget, Spent } from "../types/options.js";
import type { ToolServerContext } from "./tool-server.machine.js";
import type { AttemptView, ServiceView } from "../transports/transport.js";

type AttemptSnapshot = { value: StateValue; context: AttemptView };

/**
 * What a thread is doing, in a word an operator reads: `running`, `awaiting approval`, `queued`
 * (waiting for a concurrency slot), `backing off` (before a restart), else how its last turn
 * ended — `failed`, `interrupted` — or `idle`; `released` once its `Thread` is gone.
 */
export type ThreadStatus =
  | "idle"
  | "queued"
  | "running"
  | "awaiting approval"
  | "backing off"
  | "failed"
  | "interrupted"
  | "released";

/** A plain JSON view of one thread actor and the turn it has in hand. */
export type ThreadTreeSnapshot = {
  /** The thread actor's id under the root (`thread-N`): the `threadKey` of telemetry messages. */
  key: string;
  id: string | null;
  /** What names it for a reader: its `setName()` name, else its working directory, else its key. */
  label: string;
  /** The name `thread.setName()` gave it, if any. */
  name: string | null;
  workingDirectory: string | null;
  status: ThreadStatus;
  /** How its last turn ended, once one has. */
  lastOutcome: LastOutcome | null;
  state: string;
  queued: number;
  restarts: number;
  /** What the thread's turns have spent here: tokens (input + output) and turns. */
  spent: Spent;
  /** The thread's own budget, when it has one. */
  budget?: Budget;
  turn?: {
    /** Which turn of this thread it is (1 for its first). */
    number: number;
    state: string;
    pid: number | null;
    attempt: number;
    /** Approvals waiting for `onApproval` (app-server): a count, as the requests may name secrets. */
    pendingApprovals?: number;
    /** Since when they have waited (ms since the epoch), while any do. */
    awaitingApprovalSince?: number;
    /** While the thread backs off before a restart: the milliseconds left before the next attempt. */
    backoffRemainingMs?: number;
    /** Tokens the turn has spent so far, its attempts together (as codex's usage reports said). */
    tokens: number;
    /** The turn's own budget, when it has one. */
    budget?: Pick<Budget, "maxTokens">;
  };
};

/** A plain JSON view of the transport's service (the app-server), when it has one. */
export type ServiceTreeSnapshot = { state: string; pid: number | null; restarts: number };

/** A plain JSON view of the tool server actor (the threads' `tools`). */
export type ToolsTreeSnapshot = {
  state: string;
  /** Servers started after one stopped serving. */
  restarts: number;
  /** Why the last server stopped serving or failed to start, if one did. */
  lastFailure: string | null;
};

/** A plain JSON view of the whole actor tree. */
export type CodexTreeSnapshot = {
  state: string;
  /** What all threads' turns have spent: tokens (input + output) and turns. */
  spent: Spent;
  /** The Codex's budget, when it has one. */
  budget?: Budget;
  /** Restarts of all its threads' turns. */
  restarts: number;
  /** The latest failed turns, oldest first (not those stopped on request). */
  recentFailures: RecentFailure[];
  threads: ThreadTreeSnapshot[];
  /** The app-server actor, on that transport. */
  server?: ServiceTreeSnapshot;
  /** The tool server actor, once a thread with tools has run a turn. */
  tools?: ToolsTreeSnapshot;
};

/** Dotted state path: `{ busy: "attempting" }` → `"busy.attempting"`. */
export function stateName(value: StateValue): string {
  if (typeof value === "string") return value;
  return Object.entries(value)
    .map(([key, child]) =>
      child && Object.keys(child).length ? `${key}.${stateName(child)}` : key,
    )
    .join(",");
}

/** Reads the tree under a Codex root into plain JSON. */
export function snapshotTree(root: CodexActorRef): CodexTreeSnapshot {
  const snapshot = root.getSnapshot();
  const { service, tools } = snapshot.children as Record<string, AnyActorRef | undefined>;
  const threads = threadsOf(snapshot.children).map(threadSnapshot);
  const tree: CodexTreeSnapshot = {
    state: stateName(snapshot.value),
    spent: snapshot.context.spent,
    ...(snapshot.context.budget ? { budget: snapshot.context.budget } : {}),
    restarts: threads.reduce((sum, thread) => sum + thread.restarts, 0),
    recentFailures: snapshot.context.recentFailures,
    threads,
  };
  if (service) tree.server = serviceSnapshot(service);
  const toolsView = tools && toolsSnapshot(tools);
  if (toolsView) tree.tools = toolsView;
  return tree;
}

function threadSnapshot(thread: ThreadActorRef): ThreadTreeSnapshot {
  const snapshot = thread.getSnapshot();
  const { context } = snapshot;
  const attempt = (snapshot.children.attempt as AnyActorRef | undefined)?.getSnapshot() as
    AttemptSnapshot | undefined;
  const workingDirectory = context.settings.thread.workingDirectory ?? null;
  return {
    key: thread.id,
    id: attempt?.context.threadId ?? context.threadId,
    label: context.name ?? workingDirectory ?? thread.id,
    name: context.name,
    workingDirectory,
    status: statusOf(snapshot, attempt),
    lastOutcome: context.lastOutcome,
    state: stateName(snapshot.value),
    queued: context.queue.length,
    restarts: context.restarts,
    spent: context.spent,
    ...(context.settings.thread.budget ? { budget: context.settings.thread.budget } : {}),
    ...(context.current
      ? {
          turn: {
            number: turnNumber(thread),
            state: attempt ? stateName(attempt.value) : stateName(snapshot.value),
            pid: attempt?.context.pid ?? null,
            attempt: context.attempt,
            ...(attempt?.context.pendingApprovals === undefined
              ? {}
              : { pendingApprovals: attempt.context.pendingApprovals }),
            ...(attempt?.context.awaitingApprovalSince
              ? { awaitingApprovalSince: attempt.context.awaitingApprovalSince }
              : {}),
            ...(snapshot.matches({ busy: "backingOff" })
              ? { backoffRemainingMs: backoffRemaining(context) }
              : {}),
            tokens: context.turnTokens,
            ...(context.current.options.budget ? { budget: context.current.options.budget } : {}),
          },
        }
      : {}),
  };
}

/** The thread's status in a word: what it is doing, else how its last turn ended. */
function statusOf(
  snapshot: ReturnType<ThreadActorRef["getSnapshot"]>,
  attempt: AttemptSnapshot | undefined,
): ThreadStatus {
  if (snapshot.matches("released")) return "released";
  if (snapshot.matches({ busy: "acquiring" })) return "queued";
  if (snapshot.matches({ busy: "backingOff" })) return "backing off";
  if (snapshot.matches("busy"))
    return (attempt?.context.pendingApprovals ?? 0) > 0 ? "awaiting approval" : "running";
  const last = snapshot.context.lastOutcome?.status;
  return last === "failed" || last === "interrupted" ? last : "idle";
}

/**
 * The restart was decided (and its delay drawn) when the backoff began: what is left of it, on
 * the clock the decision was timed by.
 */
function backoffRemaining({ decision, restartTimes, settings }: ThreadContext): number {
  const now = settings.clock.now();
  const since = restartTimes[restartTimes.length - 1] ?? now;
  const delayMs = decision?.restart ? decision.delayMs : 0;
  return Math.max(0, since + delayMs - now);
}

function serviceSnapshot(service: AnyActorRef): ServiceTreeSnapshot {
  const snapshot = service.getSnapshot() as { value: StateValue; context: ServiceView };
  const { pid, restarts } = snapshot.context;
  return { state: stateName(snapshot.value), pid, restarts };
}

/** The tool server actor's view; none while it has never been asked for a server. */
function toolsSnapshot(tools: AnyActorRef): ToolsTreeSnapshot | null {
  const snapshot = tools.getSnapshot() as { value: StateValue; context: ToolServerContext };
  const { starts, restarts, lastFailure } = snapshot.context;
  if (starts === 0) return null;
  return { state: stateName(snapshot.value), restarts, lastFailure };
}
