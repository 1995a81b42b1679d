/**
 * What `npm test` costs, from jest's own JSON report: each tier's time (test/tiers.mjs) as the sum
 * of its files' run times, summed over workers, against its budget, as the summary reporter prints
 * it at the end of a run; the run's wall time; time per top-level test folder; and the slowest
 * files with their tier, the first place to look when a tier is over its budget.
 *
 *   npm run test:unit -- --json --outputFile=/tmp/jest.json
 *   npx tsx bench/test-times.ts /tmp/jest.json [--slowest 15]
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { tierLines } from '../test/summary-reporter.mjs';
import { tierOf } from '../test/tiers.mjs';

interface JestReport {
  startTime: number;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: Array<{ status: string; ancestorTitles: string[]; duration?: number | null }> }>;
}

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx bench/test-times.ts <jest --json output> [--slowest N]');
const slowestAt = process.argv.indexOf('--slowest');
const slowest = slowestAt > 0 ? Number(process.argv[slowestAt + 1]) : 15;
const report = JSON.parse(readFileSync(file, 'utf8')) as JestReport;
const root = resolve(import.meta.dirname, '..');
const testRoot = resolve(root, 'test');


const files = report.testResults.map((result) => {
  const fromRoot = relative(root, result.name).split('\\').join('/');
  return {
    path: relative(testRoot, result.name).split('\\').join('/'),
    // The tier's short name: "real control plane", "workflow engine", "unit".
    tier: tierOf(fromRoot)?.name.split(/[:,]/)[0] ?? '(none)',
    seconds: (result.endTime - result.startTime) / 1000,
    tests: result.assertionResults.length,
    failed: result.assertionResults.filter((a) => a.status === 'failed').length,
  };
});
const folders = new Map<string, { files: number; tests: number; seconds: number; failed: number }>();
for (const f of files) {
  const folder = f.path.includes('/') ? f.path.split('/')[0] : '.';
  const entry = folders.get(folder) ?? { files: 0, tests: 0, seconds: 0, failed: 0 };
  entry.files++;
  entry.tests += f.tests;
  entry.seconds += f.seconds;
  entry.failed += f.failed;
  folders.set(folder, entry);
}
const sum = files.reduce((total, f) => total + f.seconds, 0);
const wallMs = Math.max(...report.testResults.map((r) => r.endTime)) - report.startTime;
console.log(`${report.numTotalTests} tests (${report.numPassedTests} passed, ${report.numFailedTests} failed) in ${files.length} files; jest wall time ${(wallMs / 1000).toFixed(0)} s, file time summed over workers ${sum.toFixed(0)} s\n`);
// The same lines as the end of `npm test` (test/summary-reporter.mjs).
const perfResults = report.testResults.map((r) => ({ testFilePath: r.name, perfStats: { start: r.startTime, end: r.endTime }, testResults: r.assertionResults }));
console.log(tierLines(root, perfResults, wallMs).join('\n'));
console.log('\n| folder | files | tests | seconds (file time, summed) | share | failed |');
console.log('|---|--:|--:|--:|--:|--:|');
for (const [folder, entry] of [...folders].sort((a, b) => b[1].seconds - a[1].seconds)) {
  console.log(`| ${folder} | ${entry.files} | ${entry.tests} | ${entry.seconds.toFixed(1)} | ${((entry.seconds / sum) * 100).toFixed(0)}% | ${entry.failed} |`);
}
const top = [...files].sort((a, b) => b.seconds - a.seconds).slice(0, slowest);
const topShare = top.reduce((total, f) => total + f.seconds, 0) / sum;
console.log(`\nslowest ${top.length} files (${(topShare * 100).toFixed(0)}% of the file time):\n`);
console.log('| file | tier | tests | seconds |');
console.log('|---|---|--:|--:|');
for (const f of top) console.log(`| ${f.path} | ${f.tier} | ${f.tests} | ${f.seconds.toFixed(1)} |`);
