import type { InspectionEvent } from "xstate";

/**
 * @internal The fault-injection seam of the tests: when `beforeAction` is set as a `Codex` is
 * made, it sees each action of that Codex's actors just before it runs, and a throw there is a
 * fault of that action (the runtime must contain it). Never set outside tests.
 */
export const faultSeam: { beforeAction?: (event: InspectionEvent) => void } = {};
