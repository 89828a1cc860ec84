import type { CodexError } from "../types/errors.js";

// A bare 401/403 may be a token count ("Requested 401"); only an HTTP status means authentication.
const AUTH_FAILURE =
  /\b(status|http)\W*40[13]\b|unauthori[sz]ed|forbidden|invalid api key|incorrect api key|authentication/i;
const TRANSIENT_FAILURE =
  /rate.?limit|\b429\b|too many requests|overloaded|high demand|temporar|\b5\d\d\b|server error|internal error|server had an error|error occurred while processing|bad gateway|service unavailable|gateway timeout|stream (disconnected|closed|error)|disconnected|connection (reset|closed|refused)|timed? ?out|reconnect/i;
const TRANSIENT_SPAWN_CODES = new Set(["EAGAIN", "EMFILE", "ENFILE", "ENOMEM"]);

/**
 * The default classification of transient failures, worth another attempt: the process ended
 * early (crash, signal, idle timeout), or the model reported rate limiting, overload, a server
 * error or a dropped stream. Authentication, configuration, protocol errors and aborts are not.
 */
export function isTransientByDefault(error: CodexError): boolean {
  switch (error.kind) {
    case "exit":
      return !("stderrTail" in error && isUsageError(String(error.stderrTail)));
    case "idle_timeout":
      return true;
    case "turn_failed":
      return !AUTH_FAILURE.test(error.message) && TRANSIENT_FAILURE.test(error.message);
    case "spawn":
      return TRANSIENT_SPAWN_CODES.has(
        String((error.cause as NodeJS.ErrnoException | undefined)?.code),
      );
    default:
      return false;
  }
}

/** Errors that no restart can mend: the setup is wrong. `permanent` does not restart them either. */
export function isConfigurationError(error: CodexError): boolean {
  return (
    ["binary_not_found", "invalid_option", "invalid_schema", "untrusted_directory"].includes(
      error.kind,
    ) ||
    (error.kind === "exit" && "stderrTail" in error && isUsageError(String(error.stderrTail)))
  );
}

/** The CLI rejected its arguments (clap's `error: ...` followed by usage). */
function isUsageError(stderr: string): boolean {
  return /^error: /m.test(stderr) && /Usage:/.test(stderr);
}
