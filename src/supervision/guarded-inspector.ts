import type { InspectionEvent, Observer } from "xstate";
import { warnOnce } from "../telemetry/warn-once.js";
import { faultSeam } from "./fault-seam.js";

/** The `inspect` option's shape. */
type Inspector = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * The inspector a Codex's actors run with: the user's `inspect`, guarded (xstate calls it inside
 * transitions, where a throw would fail whatever actor was moving), and the tests' fault seam.
 * A throwing inspector is warned of once (`CODEX_ACTORS_INSPECT`) and keeps being called.
 */
export function guardedInspector(inspect?: Inspector): Inspector | undefined {
  const seam = faultSeam.beforeAction;
  if (!inspect && !seam) return undefined;
  const next = typeof inspect === "function" ? inspect : inspect?.next?.bind(inspect);
  const guarded = next
    ? warnOnce(
        "CODEX_ACTORS_INSPECT",
        "The Codex's inspect callback threw; the actors went on",
      )(next)
    : undefined;
  return (event) => {
    if (seam && event.type === "@xstate.action") seam(event);
    guarded?.(event);
  };
}
