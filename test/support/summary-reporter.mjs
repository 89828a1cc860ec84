// Prints the plain closing line CI reads ("N passed, N failed"), after Jest's own summary. Before
// that it checks that the run left no process behind: leftovers are killed, named, and count as
// a failure (the run fails through getLastError).
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
    if (leftovers.length > 0) {
      this.#leak = new Error(
        `the test run left ${leftovers.length} process(es) behind (now killed):\n${describeProcesses(leftovers)}`,
      );
      console.error(`\n${this.#leak.message}\n`);
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed =
      results.numFailedTests + results.numRuntimeErrorTestSuites + (this.#leak ? 1 : 0);
    const tail = skipped ? `, ${skipped} skipped` : "";
    console.log(`${results.numPassedTests} passed, ${failed} failed${tail}`);
  }

  getLastError() {
    return this.#leak;
  }
}
