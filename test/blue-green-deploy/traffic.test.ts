/**
 * Real traffic through the live Service's local port during a promote, on both targets: nothing
 * fails, the version flips once. On the real cluster the port follows the EndpointSlices the
 * endpoint controller updates after the switch, so a request may still reach the old colour for a
 * moment — but never fail.
 */
import { jest } from '@jest/globals';
import { kubeTargets } from '../cluster/target.js';
import { request, steadyTraffic } from '../deploy/traffic.js';
import { startStage, type Stage } from './fixture.js';

jest.setTimeout(180_000);

describe.each(kubeTargets())('on the %s', (kind) => {
  let stage: Stage;
  beforeAll(async () => {
    stage = await startStage(kind, { name: 'bg-traffic' }, { replicas: 2, readinessProbe: true });
    expect((await stage.deploy({ image: 'sunday/web:v1' })).errors).toEqual([]);
  });
  afterAll(() => stage?.stop());

  test('a steady stream of requests during deploy-and-promote: no failure, v1 then v2, one change', async () => {
    const url = await stage.serviceUrl();
    await stage.servesOnly('v1');
    const traffic = steadyTraffic(url);
    const r = await stage.deploy({ image: 'sunday/web:v2', 'scale-down-delay': '1s', checks: '- url: /\n  expect-body: v2' });
    await traffic.stop();
    const { seen, failures } = traffic;
    for (let i = 0; i < 10; i++) seen.push(await request(url));
    expect(r.errors).toEqual([]);
    expect(failures).toEqual([]);
    const changes = seen.filter((version, i) => i > 0 && version !== seen[i - 1]);
    expect(seen[0]).toBe('v1');
    expect(seen.at(-1)).toBe('v2');
    expect(changes).toEqual(['v2']);
    expect(seen.length).toBeGreaterThan(20);
  });
});
