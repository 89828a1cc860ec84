/**
 * Which part of codex's stderr an exit's message quotes. The whole tail stays on the error
 * (`stderrTail`); the message quotes only what explains the failure, because it is what people
 * read and what becomes a span's status:
 *
 * - known noise is dropped everywhere: the start-up warning about PATH aliases, the note that the
 *   prompt is read from stdin (codex prints both on every run, whatever happens next);
 * - after a signal (sent from outside: a kill, the OOM killer) only lines that look like an error
 *   (`error`, `panic`, `fatal`, `failed`) are quoted — what codex printed before it was killed is
 *   its progress, not the reason it died;
 * - after a non-zero exit, what is left is quoted: codex says there why it stopped.
 */

/** Lines codex prints on stderr that never explain a failure. */
const NOISE = [
  /^WARNING: proceeding, even though we could not (create|update) PATH aliases/i,
  /^Reading (prompt|additional input) from stdin/i,
];

/** A line that reads like the reason of a failure. */
const ERROR_LINE = /\b(error|panic(ked)?|fatal|failed)\b/i;

/** The lines of `stderrTail` an exit's message should quote (see the module comment), joined. */
export function explainingStderr(stderrTail: string, signal: string | null): string {
  const lines = stderrTail
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "" && !NOISE.some((noise) => noise.test(line.trim())));
  const kept = signal ? lines.filter((line) => ERROR_LINE.test(line)) : lines;
  return kept.join("\n").trim();
}
