import type { CodexActorRef } from "./codex.machine.js";
import type { ThreadActorRef } from "./thread.machine.js";
import { isDrained } from "./thread-views.js";

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
