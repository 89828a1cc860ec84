// Jest's testResultsProcessor: prints the plain closing line CI reads ("N passed, N failed"),
// after everything the reporters print — Jest adds its own summary and the coverage report after
// the configured reporters, and a coverage threshold not met fails the run there, so a reporter
// cannot have the last word. Processes left behind (summary-reporter.mjs) count one failure more;
// a run that failed with no failed test (a coverage threshold not met) counts one, so the line
// says 0 failed only when the run passed.
export default function closingLine(results) {
  const skipped = results.numPendingTests + results.numTodoTests;
  let failed =
    results.numFailedTests +
    results.numRuntimeErrorTestSuites +
    (results.leftoverProcesses ? 1 : 0);
  if (failed === 0 && !results.success) failed = 1;
  const tail = skipped ? `, ${skipped} skipped` : "";
  console.log(`${results.numPassedTests} passed, ${failed} failed${tail}`);
  return results;
}
