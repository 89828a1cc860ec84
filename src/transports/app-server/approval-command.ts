import quote from "shell-quote/quote.js";
import type { v2 } from "./protocol/index.js";
import { readCommand } from "./read-command.js";

/** The command fields of a command approval's `approval.requested` event. */
export type ApprovalCommand = {
  command?: string;
  argv: string[] | null;
  simple: boolean;
  cwd?: string;
};

/**
 * What a command approval asks to run, read from the server's params: its line as codex
 * reports it, and the argv and directory it means (see readCommand), or `simple: false` when it
 * cannot be read — no command, one of another shape, or a request of another kind than
 * `command` (input for a running command, `writeStdin`, which no argv describes). Pure; never
 * throws.
 */
export function approvalCommand(
  params: Partial<v2.CommandExecutionRequestApprovalParams>,
): ApprovalCommand {
  const raw: unknown = params.command;
  const serverCwd = typeof params.cwd === "string" ? params.cwd : undefined;
  const argv = Array.isArray(raw) && raw.every((word) => typeof word === "string") ? raw : null;
  const line = typeof raw === "string" ? raw : argv ? quote(argv) : undefined;
  const unread: ApprovalCommand = {
    ...(line !== undefined && { command: line }),
    argv: null,
    simple: false,
    ...(serverCwd && { cwd: serverCwd }),
  };
  if (line === undefined || (params.kind && params.kind !== "command")) return unread;
  const read = readCommand(argv ?? line, serverCwd);
  return { ...unread, argv: read.argv, simple: read.simple, ...(read.cwd && { cwd: read.cwd }) };
}
