// Prints the plain closing line CI reads ("N passed, N failed"), after Jest's own summary.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const tail = skipped ? `, ${skipped} skipped` : "";
    console.log(`${results.numPassedTests} passed, ${failed} failed${tail}`);
  }
}
