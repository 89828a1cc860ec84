// The marker of one test run: a random value in CODEX_ACTORS_TEST_RUN that every process the run
// starts carries in its environment, so the leftover check can tell this run's processes from
// those of another run sharing the machine.
import { randomUUID } from "node:crypto";

/** The environment variable holding the run's marker. */
export const RUN_MARKER_VAR = "CODEX_ACTORS_TEST_RUN";

/** This run's marker, created (and put into process.env for the workers) on first use. */
export function runMarker() {
  process.env[RUN_MARKER_VAR] ||= randomUUID();
  return process.env[RUN_MARKER_VAR];
}
