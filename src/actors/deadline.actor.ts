import { fromCallback } from "xstate";

/** Starts the turn's deadline: sent when its first attempt starts (time in queues is not counted). */
export type DeadlineStart = { type: "deadline.start" };

/** What the deadline actor reports to its thread once the turn's time is up. */
export type DeadlineReached = { type: "turn.deadline"; timeoutMs: number };

/** Fires `turn.deadline` `timeoutMs` after `deadline.start`, if the turn has a `timeoutMs`. */
export const deadlineLogic = fromCallback<DeadlineStart, { timeoutMs?: number }>(
  ({ input, sendBack, receive }) => {
    const { timeoutMs } = input;
    let timer: NodeJS.Timeout | undefined;
    receive(() => {
      if (timeoutMs === undefined || timer) return;
      timer = setTimeout(
        () => sendBack({ type: "turn.deadline", timeoutMs } satisfies DeadlineReached),
        timeoutMs,
      );
    });
    return () => clearTimeout(timer);
  },
);
