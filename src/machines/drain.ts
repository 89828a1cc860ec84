import type { CodexActorRef } from "./codex.machine.js";
import { threadsOf } from "./root-children.js";
import { isDrained } from "./thread-views.js";

/** Resolves once every thread of the root is idle with an empty mailbox. */
export function whenDrained(root: CodexActorRef): Promise<void> {
  const threads = threadsOf(root.getSnapshot().children);
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
