/** codex-actors: the official Codex SDK's API, with every turn an xstate actor. */
export { Codex } from "./codex.js";
export { Thread } from "./thread.js";
export { execMachine, type ExecOutcome, type ExecContext } from "./machines/exec.machine.js";
export { JsonlParser, type ParsedChunk } from "./parser/jsonl-parser.js";
export * from "./types/index.js";
