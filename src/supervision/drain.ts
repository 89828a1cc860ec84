import type { CodexActorRef } from "../machines/codex.machine.js";
import type { ThreadActorRef } from "../machines/thread.machine.js";

/** Whether a thread has nothing running and nothing queued (its processes are all gone). */
function isDrained(thread: ThreadActorRef): boolean {
  const snapshot = thread.getSnapshot();
  if (snapshot.status !== "active") return true;
  return snapshot.matches("idle") && snapshot.context.queue.length === 0;
}

/** Resolves once every thread of the root is idle with an empty mailbox. */
export function whenDrained(root: CodexActorRef): Promise<void> {
  const { service: _service, ...children } = root.getSnapshot().children;
  const threads = Object.values(children) as ThreadActorRef[];
  return new Promise((resolve) => {
    const subscriptions = threads.map((thread) => thread.subscribe(() => check()));
    const check = () => {
      if (!threads.every(isDrained)) return;
      for (const subscription of subscriptions) subscription.unsubscribe();
      resolve();
    };
    check();
  });
}
