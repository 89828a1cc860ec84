import type { CodexError } from "../types/errors.js";

// A bare 401/403 may be a token count ("Requested 401"); only an HTTP status means authentication.
const AUTH_FAILURE =
  /\b(status|http)\W*40[13]\b|unauthori[sz]ed|forbidden|invalid api key|incorrect api key|authentication/i;
const SERVICE_FAILURE =
  /rate.?limit|\b429\b|too many requests|overloaded|high demand|temporar|\b5\d\d\b|server error|internal error|server had an error|error occurred while processing|bad gateway|service unavailable|gateway timeout|stream (disconnected|closed|error)|disconnected|connection (reset|closed|refused)|timed? ?out|reconnect/i;
const TRANSIENT_SPAWN_CODES = new Set(["EAGAIN", "EMFILE", "ENFILE", "ENOMEM"]);
const CONFIGURATION_KINDS = new Set([
  "binary_not_found",
  "invalid_option",
  "invalid_schema",
  "untrusted_directory",
  "configuration",
  "tool_server",
]);

/** What the default classification depends on besides the error. */
export type ClassifyOptions = { restartServiceFailures?: boolean };

/**
 * The kinds of failure a transport adds to supervision's own (its `Transport.failures`):
 * `transient` ones are restarted by default, as a dead process is; `final` ones never are.
 */
export type FailureClasses = { transient: readonly string[]; final: readonly string[] };

/** A transport that adds no kind of failure of its own. */
export const NO_FAILURE_CLASSES: FailureClasses = { transient: [], final: [] };

/**
 * The default classification of transient failures: what the binary cannot recover from by
 * itself. The process died after the turn had started (a signal, or a non-zero exit), no line
 * came for `idleTimeoutMs`, a spawn failed for lack of resources, or the transport says the kind
 * is transient (`failures.transient`: on the app-server, its connection closed, it did not answer
 * `initialize` in time or it said it was overloaded). A `turn.failed` is codex's verdict after
 * its own retries of the request and the stream, so it is not transient unless
 * `restartServiceFailures` asks for rate limits, overload, 5xx and dropped streams to be restarted.
 */
export function isTransientByDefault(
  error: CodexError,
  options: ClassifyOptions = {},
  failures: FailureClasses = NO_FAILURE_CLASSES,
): boolean {
  if (failures.transient.includes(error.kind)) return true;
  switch (error.kind) {
    case "exit":
    case "idle_timeout":
      return true;
    case "turn_failed":
      return options.restartServiceFailures === true && isServiceFailure(error);
    case "spawn":
      return TRANSIENT_SPAWN_CODES.has(
        String((error.cause as NodeJS.ErrnoException | undefined)?.code),
      );
    default:
      return false;
  }
}

/** A `turn.failed` for rate limiting, overload, a server error or a dropped stream; not auth. */
export function isServiceFailure(error: CodexError): boolean {
  return (
    error.kind === "turn_failed" &&
    !AUTH_FAILURE.test(error.message) &&
    SERVICE_FAILURE.test(error.message)
  );
}

/**
 * Errors that no restart can mend, under any policy: the setup is wrong. That includes anything
 * codex refused before `turn.started` (`CodexConfigError`, `UntrustedDirectoryError`).
 */
export function isConfigurationError(error: CodexError): boolean {
  return CONFIGURATION_KINDS.has(error.kind);
}
