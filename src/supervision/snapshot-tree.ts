import type { StateValue } from "xstate";
import type { ActorRefFrom } from "xstate";
import type { CodexActorRef } from "../machines/codex.machine.js";
import type { execMachine } from "../machines/exec.machine.js";
import type { ThreadActorRef } from "../machines/thread.machine.js";

type ExecActorRef = ActorRefFrom<typeof execMachine>;

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
  const exec = (snapshot.children.exec as ExecActorRef | undefined)?.getSnapshot();
  return {
    id: exec?.context.threadId ?? context.threadId,
    state: stateName(snapshot.value),
    queued: context.queue.length,
    restarts: context.restarts,
    ...(context.current
      ? {
          turn: {
            state: exec ? stateName(exec.value) : stateName(snapshot.value),
            pid: exec?.context.pid ?? null,
            attempt: context.attempt,
          },
        }
      : {}),
  };
}
