/** The run's own set-up: Node 24, the leftover-process sweep of the global teardown. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness.js';
import { tierLines } from '../summary-reporter.mjs';
import { TIERS, TOTAL_BUDGET } from '../tiers.mjs';
import { endLeftovers, leftovers, parseStat } from './leftovers.mjs';

test('npm test runs on Node 24 (the node@24 dev dependency comes first on PATH)', () => {
  expect(process.version).toMatch(/^v24\./);
});

describe('leftovers', () => {
  const row = (pid: number, ppid: number, extra: Partial<{ pgrp: number; start: number; marked: boolean; otherRun: boolean; command: string }> = {}) => ({
    pid, ppid, pgrp: 100, start: 50, marked: false, otherRun: false, command: 'x', ...extra,
  });
  const table = [
    row(1, 0, { pgrp: 0, start: 0, command: 'init' }),
    row(100, 1, { start: 10, command: 'npm test' }),
    row(200, 100, { command: 'node jest' }),
    row(201, 200, { marked: true, command: 'node node_modules/jest-worker/build/workers/processChild.js' }),
    row(300, 1, { marked: true, command: 'dockerd' }),
    row(301, 1, { start: 60, command: 'tsx with an environment of its own' }),
    row(302, 1, { start: 40, command: 'started before jest' }),
    row(303, 1, { start: 60, pgrp: 999, command: 'another group' }),
    row(304, 1, { start: 60, otherRun: true, command: 'another run' }),
    row(305, 100, { start: 60, command: 'a live process of the group, not an orphan' }),
  ];

  test('ends marked processes and orphans of the group started after jest; spares jest, its ancestors and workers', () => {
    expect(leftovers(table, { self: 200 }).map((p) => p.pid)).toEqual([300, 301]);
  });

  test('reads /proc/<pid>/stat with spaces and parentheses in the command name', () => {
    expect(parseStat('4242 (a (b) c) S 17 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 98765 0 0')).toEqual({ pid: 4242, ppid: 17, pgrp: 4242, start: 98765 });
  });

  test('a process a test left with the run marker is ended', async () => {
    const marker = `test-${process.pid}-${Date.now()}`;
    const child = spawn('sleep', ['60'], { env: { ...process.env, SUNDAY_TEST_RUN: marker }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    await new Promise((done) => child.once('spawn', done));
    const ended = await endLeftovers(marker);
    expect(ended.map((p) => p.pid)).toContain(child.pid);
    expect(await exited).toBe('SIGTERM');
  });
});

describe('the time budget', () => {
  test("README's budget table has a row for every tier of test/tiers.mjs, with its budget", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const tier of TIERS) expect(readme).toContain(`| tier: ${tier.name} (\`${tier.prefix}\`) | ≤ ${tier.budgetMinutes} min |`);
    expect(readme).toContain(`≤ ${TOTAL_BUDGET.freshMinutes} min (${TOTAL_BUDGET.hardLimitMinutes} min hard limit`);
    expect(readme).toContain(`| the same with the tool caches warm | ≤ ${TOTAL_BUDGET.warmCachesMinutes} min |`);
  });

  test('the tiers together fit the warm-caches wall budget with two workers', () => {
    expect(TIERS.reduce((sum, tier) => sum + tier.budgetMinutes, 0)).toBeLessThanOrEqual(2 * TOTAL_BUDGET.warmCachesMinutes);
    expect(readFileSync(join(repoRoot, 'package.json'), 'utf8')).toContain('--maxWorkers=2');
  });

  const file = (path: string, start: number, end: number) => ({ testFilePath: join(repoRoot, path), perfStats: { start, end } });

  test('the reporter prints one line per tier that ran, its files\' times summed, and the run\'s wall time', () => {
    const lines = tierLines(repoRoot, [file('test/a.test.ts', 0, 60_000), file('test/b/c.test.ts', 30_000, 120_000)], 125_000);
    expect(lines).toEqual([
      'time budget: CI on a fresh machine ≤ 60 min (90 hard limit), tool caches warm ≤ 25 min',
      `  ${TIERS.at(-1)!.name}: 2.5 min file time, summed over workers (2 files), budget ${TIERS.at(-1)!.budgetMinutes} min, within budget`,
      '  the whole run: 2.1 min wall time (2.5 min file time, summed over workers)',
    ]);
  });

  test("a tier is judged by its own files' time, not by a wall span that holds other tiers' files", () => {
    const cluster = TIERS.find((tier) => tier.prefix === 'test/cluster/')!;
    const budget = cluster.budgetMinutes * 60_000;
    // Two workers: the cluster tier's two short files start and end far apart, the other tier's
    // files run between them on the other worker. Its span exceeds its budget; its files do not.
    const lines = tierLines(repoRoot, [file('test/cluster/a.test.ts', 0, 60_000), file('test/lib/b.test.ts', 0, budget + 120_000), file('test/cluster/c.test.ts', budget + 60_000, budget + 120_000)]);
    expect(lines[1]).toBe(`  ${cluster.name}: 2.0 min file time, summed over workers (2 files), budget ${cluster.budgetMinutes} min, within budget`);
    const unit = TIERS.at(-1)!;
    expect(lines[2]).toBe(`  ${unit.name}: ${((budget + 120_000) / 60_000).toFixed(1)} min file time, summed over workers (1 files), budget ${unit.budgetMinutes} min, ${budget + 120_000 > unit.budgetMinutes * 60_000 ? 'OVER BUDGET' : 'within budget'}`);
    expect(lines).toHaveLength(3);
  });

  test('the cluster half of a suite run on both Kubernetes targets counts in the real control plane tier, its file\'s set-up stays in its own', () => {
    const cluster = TIERS.find((tier) => tier.prefix === 'test/cluster/')!;
    const unit = TIERS.at(-1)!;
    const parametrised = {
      ...file('test/deploy/watch.test.ts', 0, 100_000),
      testResults: [
        { ancestorTitles: ['waits on emulator', 'rollout'], duration: 10_000 },
        { ancestorTitles: ['waits on cluster', 'rollout'], duration: 50_000 },
        { ancestorTitles: ['the switch back (cluster)'], duration: 20_000 },
        { ancestorTitles: ['cluster-name input'], duration: 5_000 },
      ],
    };
    const lines = tierLines(repoRoot, [file('test/cluster/a.test.ts', 0, 60_000), parametrised]);
    expect(lines[1]).toBe(`  ${cluster.name}: 2.2 min file time, summed over workers (1 files, plus suites of 1 more), budget ${cluster.budgetMinutes} min, within budget`);
    expect(lines[2]).toBe(`  ${unit.name}: 30 s file time, summed over workers (1 files), budget ${unit.budgetMinutes} min, within budget`);
  });
});
