/**
 * Ends every jest run with the time of each test tier against its budget (test/tiers.mjs), then
 * one plain line, `tests: N passed, N failed, N skipped`, which CI and people read without knowing
 * jest's own summary format. Both are written as the process exits, so that the line is the very
 * last one, after jest's own summary and any notice jest prints after it.
 */
import { writeSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { TIERS, TOTAL_BUDGET, tierOf } from './tiers.mjs';

const minutes = (ms) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`);

/**
 * One line per tier that ran: wall time from its first file's start to its last file's end, the
 * summed time of its files (what one core would take), and its budget.
 * @param {{testFilePath: string, perfStats: {start: number, end: number}}[]} testResults
 */
export function tierLines(rootDir, testResults) {
  const spans = new Map();
  for (const result of testResults) {
    const tier = tierOf(relative(rootDir, result.testFilePath).split(sep).join('/'));
    if (!tier || !result.perfStats?.end) continue;
    const span = spans.get(tier) ?? { start: Infinity, end: 0, summed: 0, files: 0 };
    span.start = Math.min(span.start, result.perfStats.start);
    span.end = Math.max(span.end, result.perfStats.end);
    span.summed += result.perfStats.end - result.perfStats.start;
    span.files += 1;
    spans.set(tier, span);
  }
  const lines = [`time budget: CI on a fresh machine ≤ ${TOTAL_BUDGET.freshMinutes} min (${TOTAL_BUDGET.hardLimitMinutes} hard limit), tool caches warm ≤ ${TOTAL_BUDGET.warmCachesMinutes} min`];
  for (const tier of TIERS) {
    const span = spans.get(tier);
    if (!span) continue;
    const wall = span.end - span.start;
    const verdict = wall > tier.budgetMinutes * 60_000 ? 'OVER BUDGET' : 'within budget';
    lines.push(`  ${tier.name}: ${minutes(wall)} (${span.files} files, ${minutes(span.summed)} summed), budget ${tier.budgetMinutes} min, ${verdict}`);
  }
  return lines;
}

export default class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const table = tierLines(this.rootDir, results.testResults).join('\n');
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`;
    // Synchronous, straight to fd 1, at exit: nothing jest prints can come after it.
    process.once('exit', () => writeSync(1, `${table}\n${line}`));
  }
}
