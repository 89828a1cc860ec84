import {
  CodexConfigError,
  CodexExitError,
  TurnFailedError,
  UntrustedDirectoryError,
  type CodexError,
} from "../../types/errors.js";

const UNTRUSTED_DIRECTORY = "Not inside a trusted directory";

/**
 * The error of a process that exited without completing its turn. A non-zero exit before
 * `turn.started` is codex refusing its configuration (`CodexConfigError`); a signal is a crash.
 */
export function exitFailure(
  context: { turnStarted: boolean; turnFailure: string | null; error: CodexError | null },
  event: { type: string; exitCode?: number | null; signal?: string | null; stderrTail?: string },
): CodexError | null {
  if (event.type !== "codex.exited") return context.error;
  const exitCode = event.exitCode ?? null;
  const stderrTail = event.stderrTail ?? "";
  if (context.turnFailure !== null)
    return new TurnFailedError(context.turnFailure, exitCode, stderrTail);
  if (exitCode !== 0 && stderrTail.includes(UNTRUSTED_DIRECTORY)) {
    return new UntrustedDirectoryError(exitCode, stderrTail);
  }
  if (!context.turnStarted && exitCode !== null && exitCode !== 0 && !event.signal) {
    return new CodexConfigError(exitCode, stderrTail);
  }
  return new CodexExitError(exitCode, event.signal ?? null, stderrTail);
}
