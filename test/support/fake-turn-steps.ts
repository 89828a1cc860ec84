import type { FakeStep } from "./fake-app-server.js";

/* Step builders for the fake app-server: one turn of one thread, as the real server plays it. */

/** The thread id and turn id the fake answers with. */
export const FAKE_THREAD = "fake-thread";
const TURN = "fake-turn";
const ids = { threadId: FAKE_THREAD, turnId: TURN };

const notify = (method: string, params: Record<string, unknown>): FakeStep => ({
  notify: { method, params },
});
const turnCompleted = (status: string, error: unknown = null): FakeStep =>
  notify("turn/completed", { threadId: FAKE_THREAD, turn: { id: TURN, status, items: [], error } });

/** Answers `thread/start` (or `thread/resume`) with the thread. */
export const threadAnswered: FakeStep[] = [
  { expect: ["thread/start", "thread/resume"] },
  { respond: { thread: { id: FAKE_THREAD } } },
];

/** Waits for `turn/start`; `answer` (default: the turn, in progress) is sent next. */
export const turnRequested: FakeStep[] = [{ expect: "turn/start" }];

/** Answers `turn/start` with the running turn. */
export const turnAnswered: FakeStep = { respond: { turn: { id: TURN, status: "inProgress" } } };

/** `turn/started`. */
export const turnStarted: FakeStep = notify("turn/started", {
  threadId: FAKE_THREAD,
  turn: { id: TURN },
});

/** From `thread/start` to `turn/started`: a turn that runs. */
export const runningTurn: FakeStep[] = [
  ...threadAnswered,
  ...turnRequested,
  turnAnswered,
  turnStarted,
];

/** An agent message completed (`text`). */
export const agentMessage = (text: string, n = 0): FakeStep =>
  notify("item/completed", { ...ids, item: { type: "agentMessage", id: `msg-${n}`, text } });

/** The turn ends: `completed`, `failed` (with the model's message) or `interrupted`. */
export const turnEnded = {
  completed: turnCompleted("completed"),
  failed: turnCompleted("failed", { message: "unexpected status 401 Unauthorized" }),
  interrupted: turnCompleted("interrupted"),
};

/** A whole turn answering `text`, from `thread/start` to `turn/completed`. */
export const wholeTurn = (text: string): FakeStep[] => [
  ...threadAnswered,
  ...turnRequested,
  turnAnswered,
  turnStarted,
  agentMessage(text),
  turnEnded.completed,
];

/** A command approval the server asks for (item `n`). */
export const approvalAsked = (n: number): FakeStep => ({
  request: {
    method: "item/commandExecution/requestApproval",
    params: { ...ids, itemId: `cmd-${n}`, command: `echo ${n}`, cwd: "/" },
  },
});

/** The server takes `turn/interrupt`, answers it and ends the turn interrupted. */
export const interruptHonoured: FakeStep[] = [
  { expect: "turn/interrupt" },
  { respond: {} },
  turnEnded.interrupted,
];
