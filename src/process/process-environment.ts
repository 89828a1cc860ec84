import { readFileSync } from "node:fs";
import { processIds } from "./process-tree.js";

/** The `KEY=value` entries of a process's environment, or null when they cannot be read. */
export function environmentOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return null;
  }
}

/**
 * Every process but this one whose environment holds the entry `KEY=value`: one read of each
 * process's environment in /proc (the kernel lets us read only our user's). Empty where there
 * is no /proc.
 */
export function processesCarrying(entry: string): number[] {
  return processIds().filter(
    (pid) => pid !== process.pid && environmentOf(pid)?.includes(entry) === true,
  );
}
