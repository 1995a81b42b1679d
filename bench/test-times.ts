/**
 * What `npm test` costs, from jest's own JSON report: time per top-level test folder (the sum of
 * its files' times; files run one after another in one worker's queue or side by side in two) and
 * the slowest files.
 *
 *   npm run test:unit -- --json --outputFile=/tmp/jest.json
 *   npx tsx bench/test-times.ts /tmp/jest.json [--slowest 10]
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

interface JestReport {
  startTime: number;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: Array<{ status: string }> }>;
}

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx bench/test-times.ts <jest --json output> [--slowest N]');
const slowestAt = process.argv.indexOf('--slowest');
const slowest = slowestAt > 0 ? Number(process.argv[slowestAt + 1]) : 10;
const report = JSON.parse(readFileSync(file, 'utf8')) as JestReport;
const testRoot = resolve(import.meta.dirname, '..', 'test');

const files = report.testResults.map((result) => ({
  path: relative(testRoot, result.name),
  seconds: (result.endTime - result.startTime) / 1000,
  tests: result.assertionResults.length,
  failed: result.assertionResults.filter((a) => a.status === 'failed').length,
}));
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
const wall = (Math.max(...report.testResults.map((r) => r.endTime)) - report.startTime) / 1000;
console.log(`${report.numTotalTests} tests (${report.numPassedTests} passed, ${report.numFailedTests} failed) in ${files.length} files; jest wall time ${wall.toFixed(0)} s, sum of file times ${sum.toFixed(0)} s\n`);
console.log('| folder | files | tests | seconds (sum of files) | share | failed |');
console.log('|---|--:|--:|--:|--:|--:|');
for (const [folder, entry] of [...folders].sort((a, b) => b[1].seconds - a[1].seconds)) {
  console.log(`| ${folder} | ${entry.files} | ${entry.tests} | ${entry.seconds.toFixed(1)} | ${((entry.seconds / sum) * 100).toFixed(0)}% | ${entry.failed} |`);
}
console.log(`\nslowest ${slowest} files:\n`);
console.log('| file | tests | seconds |');
console.log('|---|--:|--:|');
for (const f of [...files].sort((a, b) => b.seconds - a.seconds).slice(0, slowest)) console.log(`| ${f.path} | ${f.tests} | ${f.seconds.toFixed(1)} |`);
