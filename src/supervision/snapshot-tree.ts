import type { AnyActorRef, StateValue } from "xstate";
import type { CodexActorRef } from "../machines/codex.machine.js";
import type { ThreadActorRef } from "../machines/thread.machine.js";
import type { AttemptView } from "../transports/attempt.js";

type AttemptSnapshot = { value: StateValue; context: AttemptView };

/** A plain JSON view of one thread actor and the turn it has in hand. */
export type ThreadTreeSnapshot = {
  id: string | null;
  state: string;
  queued: number;
  restarts: number;
  turn?: { state: string; pid: number | null; attempt: number };
};

/** A plain JSON view of the whole actor tree. */
export type CodexTreeSnapshot = { state: string; threads: ThreadTreeSnapshot[] };

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
  const threads = Object.values(snapshot.children) as ThreadActorRef[];
  return { state: stateName(snapshot.value), threads: threads.map(threadSnapshot) };
}

function threadSnapshot(thread: ThreadActorRef): ThreadTreeSnapshot {
  const snapshot = thread.getSnapshot();
  const { context } = snapshot;
  const attempt = (snapshot.children.attempt as AnyActorRef | undefined)?.getSnapshot() as
    AttemptSnapshot | undefined;
  return {
    id: attempt?.context.threadId ?? context.threadId,
    state: stateName(snapshot.value),
    queued: context.queue.length,
    restarts: context.restarts,
    ...(context.current
      ? {
          turn: {
            state: attempt ? stateName(attempt.value) : stateName(snapshot.value),
            pid: attempt?.context.pid ?? null,
            attempt: context.attempt,
          },
        }
      : {}),
  };
}
