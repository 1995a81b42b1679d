/**
 * Ends every jest run with one plain line, `tests: N passed, N failed, N skipped`, which CI and
 * people read without knowing jest's own summary format. Written as the process exits, so that it
 * is the last line, after jest's own summary.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
