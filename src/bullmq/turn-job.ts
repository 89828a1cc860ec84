import type { Input, ThreadOptions, TurnOptions } from "../types/options.js";
import { InvalidOptionError } from "../types/errors.js";
import type { SerializedError } from "./remote-errors.js";

/** The thread options a job carries to the worker: plain data, no callbacks. */
export const JOB_THREAD_OPTIONS = [
  "model",
  "threadSource",
  "sandboxMode",
  "workingDirectory",
  "skipGitRepoCheck",
  "modelReasoningEffort",
  "networkAccessEnabled",
  "webSearchMode",
  "webSearchEnabled",
  "approvalPolicy",
  "additionalDirectories",
] as const;

/** The turn options a job carries to the worker (`signal` and `rejectInvalidOutput` stay here). */
export const JOB_TURN_OPTIONS = [
  "cyberAccessProgram",
  "outputSchema",
  "timeoutMs",
  "idleTimeoutMs",
  "deltas",
] as const;

/** The thread options a job can carry. */
export type JobThreadOptions = Pick<ThreadOptions, (typeof JOB_THREAD_OPTIONS)[number]>;
/** The turn options a job can carry. */
export type JobTurnOptions = Pick<TurnOptions, (typeof JOB_TURN_OPTIONS)[number]>;

/** One turn as a BullMQ job's data: which thread (null: a new one), its options and input. */
export type TurnJobData = {
  turnId: string;
  threadId: string | null;
  thread: JobThreadOptions;
  input: Input;
  turn: JobTurnOptions;
};

/** The last entry of a turn's stream: how the turn ended on the worker. */
export type TurnEnd =
  | { ok: true; threadId: string | null; attempts: number }
  | { ok: false; threadId: string | null; error: SerializedError };

/**
 * The options in `given` a job can carry, as plain data; throws `InvalidOptionError` naming one it
 * cannot (a callback, a policy: those are the worker's `codex` options).
 */
export function jobOptions<K extends string>(
  given: object,
  carried: readonly K[],
  local: readonly string[],
  where: string,
): Record<K, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined || local.includes(key)) continue;
    if (!(carried as readonly string[]).includes(key))
      throw new InvalidOptionError(
        key,
        `a ${where} option the queue cannot carry to a worker: set it in the worker's ` +
          "`startWorker({ codex })` options instead",
      );
    picked[key] = value;
  }
  return picked as Record<K, unknown>;
}
