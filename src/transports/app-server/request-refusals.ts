import {
  AppServerRefusalError,
  AppServerRequestError,
  TurnNotRunningError,
} from "../../types/app-server-errors.js";

/** JSON-RPC codes of a request the server will refuse again, unchanged: invalid request, params. */
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

/**
 * Rethrows the failure of `thread/start`, `thread/resume` or `turn/start` as the turn meets it: a
 * request the server found invalid (an unknown resume id, an input over the limit, an option
 * value it does not know) as `AppServerRefusalError`, a `CodexConfigError` as on exec, never
 * restarted; any other error as it is.
 */
export function rethrowStartRefusal(error: unknown): never {
  if (
    error instanceof AppServerRequestError &&
    (error.code === INVALID_REQUEST || error.code === INVALID_PARAMS)
  )
    throw new AppServerRefusalError(error.method, error.code, error.serverMessage);
  throw error;
}

/**
 * Rethrows the failure of `turn/steer` as the caller meets it: the turn it named is not running
 * any more (`-32600`, "no active turn to steer": it ended just before) as `TurnNotRunningError`.
 */
export function rethrowSteerRefusal(error: unknown): never {
  if (error instanceof AppServerRequestError && error.code === INVALID_REQUEST)
    throw new TurnNotRunningError(`has ended (the server answered: ${error.serverMessage})`);
  throw error;
}

/**
 * The refusal of a turn of a thread whose turn runs under another `Thread` object, made before
 * the server (which would merge the two turns) and in the words `codex exec` refuses it with.
 */
export function activeWriterRefusal(threadId: string): AppServerRefusalError {
  const refusal = `thread ${threadId} already has an active writer`;
  return new AppServerRefusalError(
    "thread/resume",
    INVALID_REQUEST,
    refusal,
    `The turn was refused: ${refusal} (a turn of another Thread object of this id runs). Run ` +
      `the thread's turns from one Thread object, or after that turn ends; it was not retried.`,
  );
}
