/**
 * Cold start of each committed bundle, to its first input error (no inputs given), under Node 24
 * in the runner's clean environment, as a ratio to the floor `node -e 0`. Median of N runs each.
 *
 *   npm run bench:startup [-- --runs 15]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runAction } from '../runner/index.js';

const root = resolve(import.meta.dirname, '..');
const ACTIONS = ['smoke-test', 'slack-notify', 'trivy-gate', 'validate-release', 'build-multiarch', 'blue-green-deploy', 'canary-deploy'];
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 15;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function floorMs(): number {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env });
    times.push(performance.now() - started);
  }
  return median(times);
}

const floor = floorMs();
console.log(`node ${process.version}, floor \`node -e 0\`: ${floor.toFixed(1)} ms (median of ${runs})\n`);
console.log('| action | median ms | × floor | first error |');
console.log('|---|---|---|---|');
for (const action of ACTIONS) {
  if (!existsSync(join(root, 'dist', action, 'index.js'))) continue;
  const times: number[] = [];
  let error = '';
  for (let i = 0; i < runs; i++) {
    const result = await runAction({ actionDir: join(root, action), githubToken: 'ghs_bench' });
    times.push(result.durationMs);
    error = result.errors[0] ?? `(exit ${result.exitCode}, no error line)`;
  }
  const ms = median(times);
  console.log(`| ${action} | ${ms.toFixed(1)} | ${(ms / floor).toFixed(2)}× | ${error} |`);
}
