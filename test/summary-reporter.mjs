/**
 * Ends every jest run with the time of each test tier against its budget (test/tiers.mjs), then
 * one plain line, `tests: N passed, N failed, N skipped`, which CI and people read without knowing
 * jest's own summary format. Both are written as the process exits, so that the line is the very
 * last one, after jest's own summary and any notice jest prints after it.
 */
import { writeSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { TIERS, TOTAL_BUDGET, tierOf, tierOfSuite } from './tiers.mjs';

const minutes = (ms) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`);

/**
 * One line per tier that ran: the sum of its files' run times, judged against its budget, then one
 * line with the run's wall time. A tier's time is not a wall span: with two workers the tiers'
 * files run side by side, so the span from a tier's first file to its last also holds the other
 * tiers' files. The summed file time is what the tier costs on one core (an upper bound of its
 * share of the wall time).
 * @param {string} rootDir
 * @param {{testFilePath: string, perfStats: {start: number, end: number}, testResults?: {ancestorTitles: string[], duration?: number | null}[]}[]} testResults
 * @param {number} [wallMs] the run's wall time, from jest's start to the end of its last file
 */
export function tierLines(rootDir, testResults, wallMs) {
  const tiers = new Map();
  let summed = 0;
  const add = (tier, ms, files, halvesOf) => {
    const entry = tiers.get(tier) ?? { fileMs: 0, files: 0, halvesOf: new Set() };
    entry.fileMs += ms;
    entry.files += files;
    if (halvesOf) entry.halvesOf.add(halvesOf);
    tiers.set(tier, entry);
  };
  for (const result of testResults) {
    if (!result.perfStats?.end) continue;
    const fileMs = result.perfStats.end - result.perfStats.start;
    summed += fileMs;
    const tier = tierOf(relative(rootDir, result.testFilePath).split(sep).join('/'));
    if (!tier) continue;
    // In a catch-all file (one whose prefix no tier with a title rule has), the tests of a suite
    // another tier claims by title move there; the file's set-up stays with the file.
    let moved = 0;
    if (tier === TIERS[TIERS.length - 1]) {
      for (const test of result.testResults ?? []) {
        const claimer = tierOfSuite(test.ancestorTitles?.[0] ?? '');
        if (!claimer || !test.duration) continue;
        const ms = Math.min(test.duration, fileMs - moved);
        add(claimer, ms, 0, result.testFilePath);
        moved += ms;
      }
    }
    add(tier, fileMs - moved, 1);
  }
  const lines = [`time budget: CI on a fresh machine ≤ ${TOTAL_BUDGET.freshMinutes} min (${TOTAL_BUDGET.hardLimitMinutes} hard limit), tool caches warm ≤ ${TOTAL_BUDGET.warmCachesMinutes} min`];
  for (const tier of TIERS) {
    const entry = tiers.get(tier);
    if (!entry) continue;
    const verdict = entry.fileMs > tier.budgetMinutes * 60_000 ? 'OVER BUDGET' : 'within budget';
    const halves = entry.halvesOf.size ? `, plus suites of ${entry.halvesOf.size} more` : '';
    lines.push(`  ${tier.name}: ${minutes(entry.fileMs)} file time, summed over workers (${entry.files} files${halves}), budget ${tier.budgetMinutes} min, ${verdict}`);
  }
  if (wallMs !== undefined) lines.push(`  the whole run: ${minutes(wallMs)} wall time (${minutes(summed)} file time, summed over workers)`);
  return lines;
}

export default class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const ends = results.testResults.map((result) => result.perfStats?.end ?? 0);
    const wallMs = results.startTime ? Math.max(Date.now(), ...ends) - results.startTime : undefined;
    const table = tierLines(this.rootDir, results.testResults, wallMs).join('\n');
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`;
    // How long jest took to exit on its own after its results (no forceExit): each run is a data point.
    const resultsAt = performance.now();
    // Synchronous, straight to fd 1, at exit: nothing jest prints can come after it.
    process.once('exit', () => writeSync(1, `${table}\n  jest exited ${((performance.now() - resultsAt) / 1000).toFixed(1)} s after its results (goal ≤ 10 s)\n${line}`));
  }
}
