/**
 * e2e.yml run for real by act, called by the E2E starter template as a Sunday repository copies
 * it: four Playwright shards against the app under test (a local HTTP server), launching the
 * Debian `chromium` given through the template's E2E_CHROMIUM_PATH variable (nothing can be
 * downloaded here, nor on a locked-down runner), one merged report; and, on the nightly schedule,
 * the k6 load test judged by its thresholds (k6 itself is stood in for: see
 * test/fixtures/third-party-actions/setup-k6/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startHttpTarget, type HttpTarget } from '../servers/http-target/server.js';
import { expectRun, reportTimings, repositoryPayload, startStage, type Stage } from './stage.js';

jest.setTimeout(600_000);

export const CHROMIUM = '/usr/bin/chromium';

let stage: Stage;
let app: HttpTarget;
beforeAll(async () => {
  stage = await startStage();
  app = await startHttpTarget('v1');
  stage.world.vars.E2E_BASE_URL = app.url;
  stage.world.vars.E2E_CHROMIUM_PATH = CHROMIUM;
}, 900_000);
afterAll(async () => {
  reportTimings(stage);
  await app?.stop();
  await stage?.stop();
});

// act names each matrix job after its index too.
const shards = [1, 2, 3, 4].map((n) => `e2e/Sunday E2E/Playwright ${n}/4-${n}`);
const e2eJobs = (k6: 'success' | 'skipped') => ({
  'e2e/Sunday E2E/Plan shards': 'success',
  ...Object.fromEntries(shards.map((shard) => [shard, 'success'])),
  'e2e/Sunday E2E/Playwright report': 'success',
  'e2e/Sunday E2E/k6 load test': k6,
});
const browserRequests = () => app.requests.filter((q) => /HeadlessChrome|Chrome\//.test(String(q.headers['user-agent'] ?? '')));

test('E2E on a pull request: four Playwright shards in the installed Chromium, one merged report, no load test', async () => {
  const { repo } = stage;
  const r = await stage.run('e2e-pull-request', {
    event: 'pull_request',
    workflow: '.github/workflows/e2e.yml',
    checkout: 'feature/search',
    payload: {
      action: 'opened',
      number: 8,
      pull_request: { number: 8, head: { ref: 'feature/search', sha: repo.sha.feature }, base: { ref: 'main', sha: repo.sha['v1.1.0'] } },
      repository: repositoryPayload,
    },
  });
  expectRun(r, { exitCode: 0, jobs: e2eJobs('skipped') });
  for (const shard of shards) {
    expect(r.steps[`${shard} › Install browsers`]).toBe('skipped');
    expect(r.steps[`${shard} › Installed Chromium`]).toBe('success');
    expect(r.steps[`${shard} › Playwright tests`]).toBe('success');
  }
  // Each page was really loaded by Chromium from the app under test.
  expect(browserRequests().map((q) => q.path).sort()).toEqual(expect.arrayContaining(['/healthz', '/json', '/ok', '/redirect']));
  // The merged report counts all four tests as passed.
  const results = JSON.parse(readFileSync(join(stage.artifacts('e2e-pull-request'), 'playwright-report', 'e2e', 'playwright-results.json'), 'utf8'));
  expect(results.stats).toMatchObject({ expected: 4, unexpected: 0 });
  expect(existsSync(join(stage.artifacts('e2e-pull-request'), 'playwright-report', 'e2e', 'playwright-report', 'index.html'))).toBe(true);
});

test('E2E on the nightly schedule: the k6 script runs against the app and its thresholds decide', async () => {
  const before = app.requests.length;
  const r = await stage.run('e2e-schedule', {
    event: 'schedule',
    workflow: '.github/workflows/e2e.yml',
    checkout: 'main',
    payload: { schedule: '17 3 * * *', repository: repositoryPayload },
  });
  expectRun(r, { exitCode: 0, jobs: e2eJobs('success') });
  const summary = JSON.parse(readFileSync(join(stage.artifacts('e2e-schedule'), 'k6-summary', 'e2e', 'k6-summary.json'), 'utf8'));
  expect(summary.metrics.http_req_failed.thresholds).toEqual({ 'rate<0.01': false });
  expect(summary.metrics.http_reqs.count).toBe(10);
  expect(app.requests.slice(before).filter((q) => q.path === '/ok' && /curl/.test(String(q.headers['user-agent'])))).toHaveLength(10);
});
