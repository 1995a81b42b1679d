/**
 * The switch back after failed post-checks is the one write that must land (issue 22): it rides
 * out API errors and resets that would end any other write, for up to a minute; when it still
 * fails, the error says first that the broken release is live and gives the command that restores
 * traffic. And a scale-down that fails after a checked switch is a warning, never a failed run.
 * On both targets, with the fault API (the emulator's, or the proxy in front of kube-apiserver).
 *
 * The give-up case shortens the one-minute budget to 4 s through SUNDAY_TEST_SWITCH_BACK_BUDGET_MS,
 * a test seam of the deploy frame (not an input); the ride-out case runs with the real budget.
 */
import { jest } from '@jest/globals';
import { kubeTargets } from '../cluster/target.js';
import { SLOW_ROLLOUTS, startStage, timelineSteps, type Stage } from '../blue-green-deploy/fixture.js';

jest.setTimeout(240_000);

const SICK_POST_CHECK = { image: 'sunday/web:sick', 'post-checks': '- name: health\n  url: /healthz' };

describe.each(kubeTargets())('the switch back (%s)', (kind) => {
  let app: Stage;
  beforeAll(async () => {
    app = await startStage(kind, { name: 'switchback', imageModes: { ':sick': 'unhealthy' }, defaults: SLOW_ROLLOUTS }, { readinessProbe: true });
    const first = await app.deploy({ image: 'sunday/web:v1' });
    expect(first.errors).toEqual([]);
  });
  afterAll(() => app?.stop());

  /** The stable Service itself (not web-preview), with or without a query. */
  const servicePath = () => new RegExp(`/namespaces/${app.namespace}/services/web(\\?|$)`);
  const selectorColor = async () => (await app.object('Service', 'web'))?.spec?.selector?.['sunday.dev/color'];
  /** Runs the deploy; once its post-checks start, every PATCH of the Service meets `faults` first. */
  const deployWithFaultsAtSwitchBack = (faults: Array<Parameters<Stage['injectFault']>[0]>, env: Record<string, string> = {}) => {
    let injected: Promise<void> | undefined;
    const run = app.deploy(SICK_POST_CHECK, {
      env,
      onOutput: (chunk) => {
        if (!injected && chunk.includes('▶ checked')) injected = (async () => { for (const fault of faults) await app.target.injectFault(fault); })();
      },
    });
    return run.then(async (result) => {
      await injected;
      return { result, injected: Boolean(injected) };
    });
  };

  test('500s and resets on the switch back are ridden out: traffic goes back to blue', async () => {
    const path = servicePath();
    const { result: r, injected } = await deployWithFaultsAtSwitchBack([
      { verb: 'patch', path, status: 500, count: 4 },
      { verb: 'patch', path, network: 'reset', count: 2 },
      { verb: 'patch', path, status: 429, retryAfterSeconds: 1, count: 1 },
    ]);
    expect(injected).toBe(true);
    expect(r.errors).toEqual(["1 of 1 post-checks failed: health (status 500, expected 2xx) — traffic switched back to blue"]);
    expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'false', 'rolled-back': 'true' });
    expect(await selectorColor()).toBe('blue');
    // Seven failed PATCHes: more than any other write's budget (5 attempts) would take.
    const patches = (await app.target.requests()).filter((request) => request.method === 'PATCH' && path.test(request.path));
    expect(patches.length).toBeGreaterThanOrEqual(8);
    const steps = timelineSteps(r.summary);
    expect(steps.slice(steps.indexOf('rolled back'))).toEqual(['rolled back', 'endpoints']);
    expect(await app.object('Lease', 'web-deploy')).toBeUndefined();
  });

  test('a switch back that never lands: the error says first that the broken release is live, and how to restore traffic', async () => {
    const path = servicePath();
    const { result: r } = await deployWithFaultsAtSwitchBack([{ verb: 'patch', path, status: 500, count: 10_000 }], { SUNDAY_TEST_SWITCH_BACK_BUDGET_MS: '4000' });
    await app.target.clearFaults();
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    const [error] = r.errors;
    expect(error).toMatch(/^The broken release sunday\/web:sick is LIVE on green: 1 of 1 post-checks failed: health \(status 500, expected 2xx\), and the switch back failed for 4s \(patch Service web: .*\)\. Restore traffic now: kubectl patch service web -n \S+ --type merge -p '\{"spec":\{"selector":\{.*"sunday\.dev\/color":"blue".*\}\}\}'$/);
    expect(r.outputs).toMatchObject({ 'active-color': 'green', promoted: 'true', 'rolled-back': 'false' });
    expect(await selectorColor()).toBe('green');
    // The lock is released; the broken colour is still there (it serves).
    expect(await app.object('Lease', 'web-deploy')).toBeUndefined();
    expect((await app.deployment('web-green'))?.spec?.replicas).toBe(2);
    // The command given restores traffic, as it says.
    const command = error.slice(error.indexOf('kubectl patch'));
    const patch = command.match(/-p '(.*)'$/)![1];
    const restored = await app.kubectl(['patch', 'service', 'web', '-n', app.namespace, '--type', 'merge', '-p', patch]);
    expect(restored.code).toBe(0);
    expect(await selectorColor()).toBe('blue');
  });

  test('a scale-down that fails after a checked switch is a warning: promoted=true, exit 0', async () => {
    // Blue serves again (by hand, above); green is the colour to stage.
    await app.target.injectFault({ verb: 'patch', path: `/namespaces/${app.namespace}/deployments/web-blue`, status: 500, count: 10_000 });
    const r = await app.deploy({ image: 'sunday/web:v2', 'post-checks': '- url: /\n  expect-body: v2' });
    await app.target.clearFaults();
    expect(r.exitCode).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ 'active-color': 'green', promoted: 'true', 'rolled-back': 'false' });
    const warnings = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toEqual([expect.stringMatching(/^The release is live and checked, but web-blue was not scaled down: .*kubectl scale deployment web-blue -n \S+ --replicas=0$/)]);
    expect(r.summary).toContain('⚠️ The release is live and checked, but web-blue was not scaled down');
    expect((await app.deployment('web-blue'))?.spec?.replicas).toBe(2);
  });
});
