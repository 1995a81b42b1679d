/**
 * Start-up of the real control plane with the binaries cached: wall time from spawning
 * `npm run cluster` to its `ready` line, as a user sees it, and the cluster's own step times (its
 * state file), median of N runs; each run is stopped with SIGTERM before the next starts.
 *
 *   npx tsx bench/cluster-start.ts [--runs 5] [--compare <another checkout>]
 *
 * `--compare` alternates runs of this checkout and another one (e.g. a worktree of main), so both
 * see the same load.
 *
 * NODE_EXTRA_CA_CERTS is cleared (no runner sets it, and it slows every Node start).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { machineLoad, median, numberArg } from './measure.js';

const root = resolve(import.meta.dirname, '..');
const runs = numberArg('runs', 5);
const compareAt = process.argv.indexOf('--compare');
const checkouts = compareAt > 0 ? [root, resolve(process.argv[compareAt + 1])] : [root];

interface Run {
  readyMs: number;
  timings: Record<string, number>;
}

async function startOnce(cwd: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const started = performance.now();
  const child = spawn('npm', ['run', '--silent', 'cluster', '--', '--kubeconfig', join(dir, 'kubeconfig'), '--state', join(dir, 'state.json')], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  try {
    const readyMs = await new Promise<number>((done, fail) => {
      child.on('exit', (code) => fail(new Error(`npm run cluster exited (${code}) before ready`)));
      createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('ready ') && done(performance.now() - started));
    });
    const { timings } = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { timings: Record<string, number> };
    return { readyMs, timings };
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<string, Run[]>(checkouts.map((checkout) => [checkout, []]));
for (let i = 0; i < runs; i++) {
  for (const checkout of checkouts) {
    const run = await startOnce(checkout);
    results.get(checkout)!.push(run);
    process.stdout.write(`${checkout} run ${i + 1}: ready after ${(run.readyMs / 1000).toFixed(1)} s  ${JSON.stringify(run.timings)}  (${machineLoad()})\n`);
  }
}
for (const [checkout, runsOf] of results) {
  process.stdout.write(`${checkout}: median of ${runs}: ready after ${(median(runsOf.map((r) => r.readyMs)) / 1000).toFixed(1)} s from spawning npm\n`);
  for (const step of Object.keys(runsOf[0].timings)) process.stdout.write(`  ${step}: ${median(runsOf.map((r) => r.timings[step] ?? NaN)).toFixed(1)} s\n`);
}
process.stdout.write(`${machineLoad()}\n`);
