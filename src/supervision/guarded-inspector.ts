import type { InspectionEvent, Observer } from "xstate";
import { describeThrown } from "../types/describe-thrown.js";
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
  let warned = false;
  return (event) => {
    if (seam && event.type === "@xstate.action") seam(event);
    try {
      next?.(event);
    } catch (error) {
      if (warned) return;
      warned = true;
      process.emitWarning(
        `The Codex's inspect callback threw (${describeThrown(error)}); the actors went on. Fix the inspector.`,
        { code: "CODEX_ACTORS_INSPECT" },
      );
    }
  };
}
