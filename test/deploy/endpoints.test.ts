/**
 * After a switch, blue-green-deploy and canary-deploy wait until the stable Service's
 * EndpointSlices (and, when post-checks go through the API server's proxy, its Endpoints) list
 * only the new colour's pods — before post-checks and before the old colour is scaled down — and
 * show the wait as the timeline step `endpoints`. On both targets: the emulator's controllers keep
 * EndpointSlices and Endpoints as the real ones do.
 */
import { jest } from '@jest/globals';
import { kubeTargets } from '../cluster/target.js';
import { readyTargets, SLOW_ROLLOUTS, startStage, timelineSteps, type Stage } from '../blue-green-deploy/fixture.js';

jest.setTimeout(240_000);

describe.each(kubeTargets())('endpoints after a switch (%s)', (kind) => {
  let app: Stage;
  beforeAll(async () => {
    app = await startStage(kind, { name: 'endpoints', defaults: SLOW_ROLLOUTS }, { readinessProbe: true });
  });
  afterAll(() => app?.stop());

  const podsOf = async (color: string) => (await app.list('Pod', `sunday.dev/color=${color}`)).map((pod) => pod.metadata.name as string).sort();
  const slices = () => app.list('EndpointSlice', 'kubernetes.io/service-name=web');

  test('the EndpointSlices and Endpoints of the Service follow its ready pods', async () => {
    const first = await app.deploy({ image: 'sunday/web:v1' });
    expect(first.errors).toEqual([]);
    const blue = await podsOf('blue');
    expect(blue).toHaveLength(2);
    expect(readyTargets(await slices())).toEqual(blue);
    const endpoints = await app.object('Endpoints', 'web');
    const subsets = (endpoints?.subsets ?? []) as Array<{ addresses?: Array<{ targetRef: { name: string } }> }>;
    expect(subsets.flatMap((subset) => (subset.addresses ?? []).map((a) => a.targetRef.name)).sort()).toEqual(blue);
    // The first switch too: the endpoints step comes right after it.
    const steps = timelineSteps(first.summary);
    expect(steps.indexOf('endpoints')).toBe(steps.indexOf('switched') + 1);
  });

  test('v1 → v2 with post-checks through the API proxy: endpoints, then checks, then the scale-down', async () => {
    const r = await app.deploy({ image: 'sunday/web:v2', 'post-checks': '- url: /\n  expect-body: v2' });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ 'active-color': 'green', promoted: 'true' });
    const steps = timelineSteps(r.summary);
    expect(steps.slice(steps.indexOf('switched'))).toEqual(['switched', 'endpoints', 'checked', 'scaled down']);
    expect(r.log).toMatch(/✓ endpoints \([^)]*\): web's EndpointSlices and Endpoints list only its 2 ready pod\(s\) of .*sunday\.dev\/color=green/);
    // What the proxy-checks went through: only green pods (every post-check answered v2).
    expect(readyTargets(await slices())).toEqual(await podsOf('green'));
  });

  test('rollback mode: the switch back waits for the endpoints too, before green is scaled down', async () => {
    const r = await app.deploy({ mode: 'rollback' });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'rolled-back': 'true' });
    const steps = timelineSteps(r.summary);
    expect(steps.slice(steps.indexOf('switched'))).toEqual(['switched', 'endpoints', 'scaled down']);
    expect(readyTargets(await slices())).toEqual(await podsOf('blue'));
  });

  test('canary at 100: the Service on the new colour alone, its endpoints awaited before the old one goes', async () => {
    const r = await app.canary({ image: 'sunday/web:v3', steps: '50,100', 'post-checks': '- url: /\n  expect-body: v3' });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ 'active-color': 'green', promoted: 'true' });
    const steps = timelineSteps(r.summary);
    expect(steps.slice(steps.indexOf('switched'))).toEqual(['switched', 'endpoints', 'checked', 'scaled down']);
    expect(readyTargets(await slices())).toEqual(await podsOf('green'));
  });
});
