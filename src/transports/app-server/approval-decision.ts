import type {
  ApprovalDecision,
  ApprovalHandler,
  ApprovalRequestedEvent,
} from "../../types/app-server.js";
import { describeThrown } from "../../types/describe-thrown.js";

/** How a thread answers approvals: its handler (if any) and how long the handler may take. */
export type ApprovalSettings = { handler?: ApprovalHandler; timeoutMs: number };

/** The answer to one approval, and why when it is not the handler's own. */
export type ApprovalAnswer = { decision: ApprovalDecision; reason?: string };

const DECISIONS = new Set<string>(["accept", "acceptForSession", "decline", "cancel"]);

/** Five minutes: a person at a chat button has time; a stuck handler does not hang the turn. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 5 * 60_000;

const GIVEN_UP: ApprovalAnswer = {
  decision: "decline",
  reason: "the turn ended before onApproval answered",
};

/**
 * Asks the handler; never rejects and never waits past the timeout, nor past `givenUp` (the turn
 * ended: its timer must not keep the host alive). No handler, a handler that throws, answers
 * something else than a decision, takes longer than `timeoutMs`, or is given up on: `decline`,
 * with the reason (which the stream's `approval.resolved` event carries).
 */
export async function decideApproval(
  settings: ApprovalSettings,
  request: ApprovalRequestedEvent,
  givenUp?: AbortSignal,
): Promise<ApprovalAnswer> {
  const { handler, timeoutMs } = settings;
  if (!handler) return { decision: "decline", reason: "no onApproval handler is set" };
  if (givenUp?.aborted) return GIVEN_UP;
  let timer: NodeJS.Timeout | undefined;
  let giveUp = () => undefined as void;
  const late = new Promise<ApprovalAnswer>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          decision: "decline",
          reason: `onApproval did not answer within ${timeoutMs} ms (approvalTimeoutMs)`,
        }),
      timeoutMs,
    );
    giveUp = () => resolve(GIVEN_UP);
    givenUp?.addEventListener("abort", giveUp, { once: true });
  });
  const asked = Promise.resolve()
    .then(() => handler(request))
    .then(
      (decision): ApprovalAnswer =>
        DECISIONS.has(decision as string)
          ? { decision }
          : { decision: "decline", reason: `onApproval answered ${describeThrown(decision)}` },
      (error: unknown): ApprovalAnswer => ({
        decision: "decline",
        reason: `onApproval threw: ${describeThrown(error)}`,
      }),
    );
  try {
    return await Promise.race([asked, late]);
  } catch (error) {
    // Only a fault of this function itself: the handler's own are answers above.
    return {
      decision: "decline",
      reason: `the answer could not be read: ${describeThrown(error)}`,
    };
  } finally {
    clearTimeout(timer);
    givenUp?.removeEventListener("abort", giveUp);
  }
}
