// Checks that the run left no process behind: leftovers are killed, named, and count as a
// failure (the run fails through getLastError). Their number is left on the run's results for the
// closing line CI reads, which closing-line.mjs prints once the run's outcome is settled.
import { describeProcesses, isOwnSentinel, reap, runProcesses } from "./leftover-processes.mjs";
import { runMarker } from "./run-marker.mjs";

/** Jest's own workers and an in-band sentinel end with this process: not leftovers. */
const endsWithJest = (p) =>
  isOwnSentinel(p) || (p.ppid === process.pid && p.cmdline.includes("jest-worker"));

export default class SummaryReporter {
  #leak;

  async onRunComplete(_contexts, results) {
    const marker = runMarker();
    const leftovers = await reap(() => runProcesses(marker, endsWithJest));
    results.leftoverProcesses = leftovers.length;
    if (leftovers.length > 0) {
      this.#leak = new Error(
        `the test run left ${leftovers.length} process(es) behind (now killed):\n${describeProcesses(leftovers)}`,
      );
      console.error(`\n${this.#leak.message}\n`);
    }
  }

  getLastError() {
    return this.#leak;
  }
}
