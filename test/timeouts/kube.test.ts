/**
 * Every Kubernetes request of the deploy core has a timeout, and the deploy Lease is released on
 * every exit path the process survives (issue 22): an API server that accepts a request and never
 * answers (fault `hang`) does not hold the step; a rollout timeout ends the process at once. On
 * both targets, running the committed bundle. The case where every attempt times out shortens the
 * 15 s request timeout to 1 s through SUNDAY_TEST_KUBE_REQUEST_TIMEOUT_MS (a test seam of the
 * deploy frame, not an input); the single hang runs with the real 15 s.
 */
import { jest } from '@jest/globals';
import { DEFAULT_RETRY, REQUEST_TIMEOUT_MS, WATCH_IDLE_MS } from '../../actions/lib/deploy/kube.js';
import { SWITCH_BACK_RETRY } from '../../actions/lib/deploy/session.js';
import { kubeTargets } from '../cluster/target.js';
import { SLOW_ROLLOUTS, startStage, type Stage } from '../blue-green-deploy/fixture.js';

jest.setTimeout(240_000);

test('the defaults: 15 s per request; watches idle longer than the API server bookmark interval (~1 min); the switch back retries for a minute', () => {
  expect(REQUEST_TIMEOUT_MS).toBe(15_000);
  expect(WATCH_IDLE_MS).toBeGreaterThan(60_000);
  expect(DEFAULT_RETRY).toEqual({ attempts: 5, baseMs: 200, capMs: 5_000 });
  expect(SWITCH_BACK_RETRY.budgetMs).toBe(60_000);
});

describe.each(kubeTargets())('Kubernetes request timeouts and the Lease (%s)', (kind) => {
  let app: Stage;
  beforeAll(async () => {
    app = await startStage(kind, { name: 'timeouts', imageModes: { ':never': 'never-ready' }, defaults: SLOW_ROLLOUTS }, { readinessProbe: true });
    const first = await app.deploy({ image: 'sunday/web:v1' });
    expect(first.errors).toEqual([]);
  });
  afterAll(() => app?.stop());

  const leaseIsFree = async () => expect(await app.object('Lease', 'web-deploy')).toBeUndefined();

  test('a request the API server never answers is given up after 15 s and retried: the deploy goes on', async () => {
    await app.target.injectFault({ verb: 'get', path: `/namespaces/${app.namespace}/services/web`, network: 'hang', count: 1 });
    const r = await app.deploy({ image: 'sunday/web:v2' });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ 'active-color': 'green', promoted: 'true' });
    expect(r.durationMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS);
    expect(r.durationMs).toBeLessThan(REQUEST_TIMEOUT_MS + 30_000);
    await leaseIsFree();
  });

  test('every attempt unanswered: the step fails naming the request, and the Lease is released', async () => {
    await app.target.injectFault({ verb: 'get', path: `/namespaces/${app.namespace}/deployments/web-blue`, network: 'hang', count: 1_000 });
    const r = await app.deploy({ image: 'sunday/web:v3' }, { env: { SUNDAY_TEST_KUBE_REQUEST_TIMEOUT_MS: '1000' } });
    await app.target.clearFaults();
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual(['get Deployment web-blue: no answer from the API server in time (request timeout)']);
    expect(r.durationMs).toBeLessThan(30_000);
    await leaseIsFree();
  });

  test('an error found after the lock (a revision not in the history): the Lease is released', async () => {
    const r = await app.deploy({ mode: 'rollback', revision: '99' });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(/99/);
    await leaseIsFree();
  });

  test('failed checks on the staged colour: the Lease is released', async () => {
    const r = await app.deploy({ image: 'sunday/web:v4', checks: '- url: /\n  expect-body: v9' });
    expect(r.exitCode).toBe(1);
    await leaseIsFree();
  });

  test('a rollout timeout ends the step at once (no open handle keeps the process), the Lease released', async () => {
    const r = await app.deploy({ image: 'sunday/web:never', 'rollout-timeout': '4s' });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(/^Timed out after 4s waiting for Deployment web-\w+ to become available/);
    // 4 s of rollout, the rest of the run (reads, the lock), and Node's start: far from the 30 s an open handle held it.
    expect(r.durationMs).toBeLessThan(4_000 + 8_000);
    await leaseIsFree();
  });
});
