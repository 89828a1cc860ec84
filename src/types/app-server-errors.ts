/**
 * Failures of the JSON-RPC connection to `codex app-server`, in the style of `errors.ts`: a stable
 * `name` and `kind`, a message saying what happened and what to do, and the details to act on.
 */
import { CodexConfigError, CodexError } from "./errors.js";

/** JSON-RPC error code the app-server answers when it is overloaded: retry later. */
export const OVERLOADED_CODE = -32001;

/** The connection to the app-server closed (the process ended or its stdio broke). */
export class AppServerClosedError extends CodexError {
  override readonly name = "AppServerClosedError";
  readonly kind = "app_server_closed";
  /** A closed server is restarted by supervision; the call can be made again on the new one. */
  readonly retryable = true;
  /** The request that was in flight, when the error answers one (absent otherwise). */
  declare readonly method?: string;
  constructor(
    /** Why the connection closed, e.g. `the server's stdout ended`. */
    readonly reason: string,
    method?: string,
    options?: ErrorOptions,
  ) {
    const what = method ? `\`${method}\` got no answer: ` : "";
    super(
      `${what}the connection to codex app-server closed (${reason}). ` +
        `The server is restarted under the supervision policy; make the call again.`,
      options,
    );
    if (method !== undefined)
      Object.defineProperty(this, "method", { value: method, enumerable: true });
  }
}

/** The app-server answered a request with a JSON-RPC error. */
export class AppServerRequestError extends CodexError {
  override readonly name: string = "AppServerRequestError";
  readonly kind: "app_server_error" | "app_server_overloaded" = "app_server_error";
  /** Whether the same request may succeed later unchanged. */
  readonly retryable: boolean = false;
  /** The error's `data`, as sent (absent when the server sent none). */
  declare readonly data?: unknown;
  constructor(
    readonly method: string,
    /** The JSON-RPC error code. */
    readonly code: number,
    /** The server's own message. */
    readonly serverMessage: string,
    data?: unknown,
    message = `codex app-server refused \`${method}\` (error ${code}): ${serverMessage}`,
  ) {
    super(message);
    if (data !== undefined) Object.defineProperty(this, "data", { value: data, enumerable: true });
  }
}

/** The app-server is overloaded (`-32001`): the request was not run; retry it with backoff. */
export class AppServerOverloadedError extends AppServerRequestError {
  override readonly name = "AppServerOverloadedError";
  override readonly kind = "app_server_overloaded";
  override readonly retryable = true;
  constructor(method: string, serverMessage: string, data?: unknown) {
    super(
      method,
      OVERLOADED_CODE,
      serverMessage,
      data,
      `codex app-server is overloaded and did not run \`${method}\` (${serverMessage}); ` +
        `retry it after a backoff.`,
    );
  }
}

/** The turn was interrupted on the app-server without a stop from this side (an approval answered `cancel`). */
export class TurnInterruptedError extends CodexError {
  override readonly name = "TurnInterruptedError";
  readonly kind = "turn_interrupted";
  constructor(readonly detail = "an approval was answered `cancel`") {
    super(`The turn was interrupted (${detail}); it is not restarted. Run a new turn to go on.`);
  }
}

/** What was asked needs the other transport (approvals, steer, thread listing: `app-server`). */
export class UnsupportedError extends CodexError {
  override readonly name = "UnsupportedError";
  readonly kind = "unsupported";
  constructor(
    /** What was asked, e.g. `onApproval`. */
    readonly feature: string,
    /** The transport that can do it. */
    readonly transport: "exec" | "app-server",
  ) {
    super(
      `${feature} needs the ${transport} transport; create the Codex with \`transport: "${transport}"\`.`,
    );
  }
}

/** `steer()` found no running turn: it had not started, or it has ended. */
export class TurnNotRunningError extends CodexError {
  override readonly name = "TurnNotRunningError";
  readonly kind = "turn_not_running";
  constructor(what: string) {
    super(`The turn ${what}; steer a turn while it runs (after its \`turn.started\` event).`);
  }
}

/** `codex app-server` did not answer `initialize` in time; it was killed. */
export class AppServerStartTimeoutError extends CodexError {
  override readonly name = "AppServerStartTimeoutError";
  readonly kind = "app_server_start_timeout";
  /** A server that hung once may start the next time (a loaded machine): restarted by default. */
  readonly retryable = true;
  constructor(
    /** How long it had (`serverStartTimeoutMs`). */
    readonly timeoutMs: number,
    /** The end of its stderr, where it says why, if it did. */
    readonly stderrTail: string,
  ) {
    super(
      `codex app-server did not answer \`initialize\` within ${timeoutMs} ms, so it was killed` +
        `${stderrTail ? ` (stderr: ${stderrTail})` : ""}. On a slow machine raise ` +
        `\`serverStartTimeoutMs\`; otherwise run \`codex app-server\` by hand to see where it stops.`,
    );
  }
}

/** The app-server keeps dying: it is not started again until its restart period has passed. */
export class AppServerCrashLoopError extends CodexError {
  override readonly name = "AppServerCrashLoopError";
  readonly kind = "app_server_crash_loop";
  constructor(
    /** How many times it ended within `withinMs`. */
    readonly exits: number,
    readonly withinMs: number,
    /** Why it ended the last time. */
    readonly lastExit: string,
    /** When a turn may start a server again. */
    readonly retryAt: Date,
  ) {
    super(
      `codex app-server ended ${exits} times within ${withinMs} ms (last: ${lastExit}); it is ` +
        `not started again before ${retryAt.toISOString()}. Run \`codex app-server\` by hand to ` +
        `see why it fails, or allow more with \`supervision.maxRestarts\`/\`withinMs\`.`,
    );
  }
}

/**
 * codex app-server refused, as invalid, to start or resume the thread or to start the turn (an
 * unknown resume id, an input over the limit, an option value it does not know, a thread whose
 * turn runs under another `Thread` object): what `codex exec` refuses at its start. It is a
 * `CodexConfigError` (same `name` and `kind`, `refusal` the server's words), never restarted.
 */
export class AppServerRefusalError extends CodexConfigError {
  constructor(
    /** The request refused. */
    readonly method: string,
    /** The JSON-RPC error code (-32600 invalid request, -32602 invalid params). */
    readonly code: number,
    /** The refusal, in the server's words (or exec's, for a refusal made before the server). */
    serverMessage: string,
    message = `codex app-server refused \`${method}\` (error ${code}): ${serverMessage}. ` +
      `Fix the option, input or thread id it names; the turn was not retried.`,
  ) {
    super(null, serverMessage);
    this.message = message;
  }
}
