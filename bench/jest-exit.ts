/**
 * Does jest exit on its own, and how soon after its results are in? Runs the whole jest suite
 * (`npm run test:unit`) N times in a row and, for each run, measures the time from jest's last
 * result (its "Ran all test suites" line) to the process's exit. Goal: every run exits within 10 s.
 *
 *   npx tsx bench/jest-exit.ts --runs 10 [--logs DIR] [-- <jest args>]
 *
 * With --logs, each run's whole output goes to DIR/run-N.log: a failure's message is there to read.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '..');
const dashdash = process.argv.indexOf('--');
const own = dashdash === -1 ? process.argv.slice(2) : process.argv.slice(2, dashdash);
const jestArgs = dashdash === -1 ? [] : process.argv.slice(dashdash + 1);
const runsFlag = own.indexOf('--runs');
const runs = runsFlag === -1 ? 10 : Number(own[runsFlag + 1]);
const logsFlag = own.indexOf('--logs');
const logs = logsFlag === -1 ? undefined : resolve(own[logsFlag + 1]);
if (logs) mkdirSync(logs, { recursive: true });
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs expects a whole number of runs, e.g. --runs 10');
  process.exit(2);
}

interface Result {
  run: number;
  code: number | null;
  totalS: number;
  exitAfterResultsS: number | undefined;
  summary: string;
  /** Suites that failed and processes the global teardown had to end: what to look at next. */
  notes: string[];
}

function once(run: number): Promise<Result> {
  return new Promise((done) => {
    const started = performance.now();
    let resultsAt: number | undefined;
    let summary = '';
    const notes: string[] = [];
    const child = spawn('npm', ['run', '--silent', 'test:unit', '--', ...jestArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: WriteStream | undefined = logs ? createWriteStream(join(logs, `run-${run}.log`)) : undefined;
    for (const stream of [child.stdout, child.stderr]) {
      if (log) stream.on('data', (chunk: Buffer) => log.write(chunk));
      createInterface({ input: stream }).on('line', (line) => {
        if (line.startsWith('Ran all test suites')) resultsAt = performance.now();
        if (line.startsWith('tests: ')) summary = line;
        if (line.startsWith('FAIL ') || line.startsWith('global teardown:')) notes.push(line);
      });
    }
    child.on('close', (code) => {
      const exited = performance.now();
      log?.end();
      done({ run, code, totalS: (exited - started) / 1000, exitAfterResultsS: resultsAt === undefined ? undefined : (exited - resultsAt) / 1000, summary, notes });
    });
  });
}

const results: Result[] = [];
for (let run = 1; run <= runs; run++) {
  const r = await once(run);
  results.push(r);
  console.log(`run ${run}: exit ${r.code}, ${r.totalS.toFixed(1)} s in all, exited ${r.exitAfterResultsS?.toFixed(2) ?? '?'} s after its results; ${r.summary}`);
  for (const note of new Set(r.notes)) console.log(`  ${note}`);
}
const gaps = results.map((r) => r.exitAfterResultsS ?? Infinity);
console.log(`${results.filter((r) => (r.exitAfterResultsS ?? Infinity) <= 10).length} of ${runs} runs exited within 10 s of their results; longest gap ${Math.max(...gaps).toFixed(2)} s`);
