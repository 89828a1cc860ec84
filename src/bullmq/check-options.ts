import { checkAbortSignal, checkBoolean, checkDuration, checkObject } from "../option-values.js";
import type { TurnOptions } from "../types/options.js";

/**
 * Checks the turn options a producer uses itself (the worker's `Codex` checks the others again,
 * against its transport); throws `InvalidOptionError` as the main entry does.
 */
export function checkRemoteTurnOptions(options: TurnOptions): void {
  checkObject("turnOptions", options, true);
  checkAbortSignal("signal", options.signal);
  checkDuration("timeoutMs", options.timeoutMs, 1);
  checkDuration("idleTimeoutMs", options.idleTimeoutMs, 1);
  checkBoolean("rejectInvalidOutput", options.rejectInvalidOutput);
  checkBoolean("deltas", options.deltas);
}

/** Checks the options of `shutdown()`. */
export function checkShutdown(options: { timeoutMs?: number }): void {
  checkObject("shutdown options", options, true);
  checkDuration("timeoutMs", options.timeoutMs, 0);
}
