import path from "node:path";
import { RUN_MARKER_VAR, runMarker } from "./run-marker.mjs";

/** The PATH of every child a test starts: node's own folder, then the system's; nothing else. */
export const MINIMAL_PATH = [...new Set([path.dirname(process.execPath), "/usr/bin", "/bin"])].join(
  path.delimiter,
);

/**
 * An environment built from scratch for a child a test starts: the minimal PATH, the run's
 * marker (so the leftover check can find it) and `vars`. Nothing of the host's environment.
 */
export function hermeticEnv(vars: Record<string, string> = {}): Record<string, string> {
  return { PATH: MINIMAL_PATH, [RUN_MARKER_VAR]: runMarker(), ...vars };
}
