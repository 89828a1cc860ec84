import type { CodexError } from "./errors.js";

/** How a failed turn is restarted: OTP's restart type, intensity and period, plus backoff. */
export type SupervisionPolicy = {
  /** `temporary`: never; `transient`: failures classified transient; `permanent`: all but abort, shutdown, configuration. */
  restart?: "transient" | "permanent" | "temporary";
  /** Intensity: at most this many restarts within `withinMs` (default 3). */
  maxRestarts?: number;
  /** Period of the intensity, in ms (default 60 000). */
  withinMs?: number;
  /** Exponential backoff between attempts (defaults 250 ms, 8 000 ms, ×2, with jitter). */
  backoff?: { initialMs?: number; maxMs?: number; factor?: number; jitter?: boolean };
  /** Restart even when a command, file change or MCP call had started (default false). */
  restartAfterSideEffects?: boolean;
  /**
   * Also restart a `turn.failed` for rate limits, overload, 5xx or a dropped stream (default
   * false). codex has already retried those requests itself, so each restart multiplies its
   * retries (and resends the prompt): opt in only where a turn must outlast an outage.
   */
  restartServiceFailures?: boolean;
  /** Replaces the default classification of transient failures (configuration errors stay final). */
  isTransient?: (error: CodexError) => boolean;
};
