/**
 * Ends every jest run with one plain line, `tests: N passed, N failed, N skipped`, which CI and
 * people read without knowing jest's own summary format. Written as the process exits, so that it
 * is the last line, after jest's own summary.
 */
import { writeSync } from 'node:fs';

export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`;
    // Synchronous, straight to fd 1: jest's forceExit may have closed process.stdout by then.
    process.once('exit', () => writeSync(1, line));
  }
}
