import type { AppServerLink } from "./server-link.js";

/** How long a request may go unanswered before its server is checked. */
export const ANSWER_WATCH_MS = 10_000;

/**
 * `answer` as it comes; if it takes longer than `afterMs`, the server is checked as after a
 * turn's idle timeout: a live server answers the check at once and goes on, a hung one is killed
 * and replaced, which rejects `answer` with `AppServerClosedError` instead of leaving it pending.
 */
export function watchAnswer<T>(
  link: AppServerLink,
  answer: Promise<T>,
  afterMs = ANSWER_WATCH_MS,
): Promise<T> {
  const timer = setTimeout(() => link.suspect(), afterMs);
  return answer.finally(() => clearTimeout(timer));
}
