import { rmSync } from "node:fs";
import { killMarked, processesMarked } from "../../testing/processes.js";

/** How long one step of the teardown may take before the next one runs anyway. */
const STEP_MS = 10_000;

/**
 * What the demo started, undone once, last started first, each step bounded in time. The first
 * steps added run last: the sweep of every process carrying the demo's mark, and the removal
 * of its temp folder, so that nothing is left whichever step failed or hung.
 */
export class Teardown {
  private readonly steps: Array<{ name: string; run: () => unknown }> = [];
  private running: Promise<void> | undefined;

  /** `mark` is the `NAME=value` every process the demo starts carries in its environment. */
  constructor(
    readonly mark: string,
    root: string,
  ) {
    this.add("remove the temp folder", () => rmSync(root, { recursive: true, force: true }));
    this.add("kill what is left", () => void killMarked(mark));
  }

  /** Adds a step, to run before those added earlier. */
  add(name: string, run: () => unknown): void {
    this.steps.push({ name, run });
  }

  /** Runs the steps (once; later calls get the same promise). */
  run(): Promise<void> {
    return (this.running ??= (async () => {
      for (const step of [...this.steps].reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise((resolve) => (timer = setTimeout(resolve, STEP_MS, "late")));
        try {
          if ((await Promise.race([Promise.resolve(step.run()), late])) === "late")
            console.error(`cleanup: ${step.name} took over ${STEP_MS / 1000} s; going on`);
        } catch (error) {
          console.error(`cleanup: ${step.name} failed: ${String(error)}`);
        } finally {
          clearTimeout(timer);
        }
      }
    })());
  }

  /** The processes carrying the demo's mark that still run (none, after `run`). */
  leftovers(): string[] {
    return processesMarked(this.mark).map(({ pid, cmdline }) => `${pid} ${cmdline}`);
  }

  /** The last resort: SIGKILL whatever carries the mark, and remove the temp folder, now. */
  runNow(): void {
    killMarked(this.mark);
    this.steps[0]!.run();
  }
}
