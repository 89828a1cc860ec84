import { CodexNotFoundError, SpawnError } from "../types/errors.js";

/** What execa reports of a child that never started. */
type FailedSpawn = { cause?: unknown; originalMessage?: string };

/**
 * The typed error for a codex process that could not be started: `CodexNotFoundError` (how to
 * install) when the executable is missing, `SpawnError` otherwise. Both transports use it.
 */
export function spawnFailure(
  executablePath: string,
  failed: FailedSpawn,
): CodexNotFoundError | SpawnError {
  const cause = failed.cause ?? new Error(failed.originalMessage ?? "spawn failed");
  return (cause as NodeJS.ErrnoException).code === "ENOENT"
    ? new CodexNotFoundError(executablePath, { cause })
    : new SpawnError(executablePath, { cause });
}
