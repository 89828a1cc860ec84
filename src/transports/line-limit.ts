/**
 * The longest line codex-actors reads from codex (in UTF-16 code units, ~64 MiB of ASCII): far
 * above any event codex prints (its command outputs are capped), far below V8's string limit.
 * A longer line fails its turn with `ProtocolError` instead of growing the host until it dies.
 */
export const MAX_LINE_LENGTH = 64 * 2 ** 20;

/** What the error says of a line past the limit. */
export const LINE_TOO_LONG = `a line longer than ${MAX_LINE_LENGTH / 2 ** 20} Mi characters`;
