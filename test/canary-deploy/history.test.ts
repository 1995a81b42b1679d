/** Revisions, rollbacks and leftovers across both deploy actions on one app, on both Kubernetes targets. */
import { jest } from '@jest/globals';
import { startStage, type Stage } from '../blue-green-deploy/fixture.js';
import { kubeTargets } from '../cluster/target.js';

jest.setTimeout(180_000);

const history = async (stage: Stage) => {
  const data = (await stage.object('ConfigMap', 'web-deploy-history'))?.data ?? {};
  return Object.values(data as Record<string, string>)
    .map((text) => JSON.parse(text))
    .sort((a, b) => a.revision - b.revision)
    .map((e) => `${e.revision}:${e.image.split(':')[1]}:${e.strategy}:${e.result}`);
};

describe.each(kubeTargets())('on the %s', (kind) => {
  describe('blue-green, then canary, then blue-green on one app', () => {
    let stage: Stage;
    beforeAll(async () => (stage = await startStage(kind, { name: 'hist-strategies' }, { replicas: 2 })));
    afterAll(() => stage?.stop());

    test('each strategy takes over from where the other left the Service', async () => {
      const v1 = await stage.deploy({ image: 'sunday/web:v1' });
      expect(v1.outputs).toMatchObject({ 'active-color': 'blue', revision: '1' });
      const v2 = await stage.canary({ image: 'sunday/web:v2', checks: '- url: /\n  expect-body: v2' });
      expect(v2.errors).toEqual([]);
      expect(v2.outputs).toMatchObject({ result: 'promoted', 'active-color': 'green', 'previous-revision': '1', revision: '2' });
      expect((await stage.service()).spec.selector).toEqual({ app: 'web', 'sunday.dev/color': 'green' });
      const v3 = await stage.deploy({ image: 'sunday/web:v3', 'post-checks': '- url: /\n  expect-body: v3' });
      expect(v3.errors).toEqual([]);
      expect(v3.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'green', promoted: 'true', revision: '3', 'previous-revision': '2' });
      expect(await stage.serving()).toBe('v3');
      expect(await history(stage)).toEqual(['1:v1:blue-green:promoted', '2:v2:canary:promoted', '3:v3:blue-green:promoted']);
      expect(v3.summary).toContain('#### Recent revisions');
      // The release record says how far the live release got: checked, and the colour it replaced at zero.
      expect(JSON.parse((await stage.service()).metadata.annotations?.['sunday.dev/release'] ?? '{}')).toMatchObject({ revision: 3, from: 3, strategy: 'blue-green', color: 'blue', stage: 'scaled-down' });
    });
  });

  describe('rollback to any recorded revision', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'hist-revision' }, { replicas: 2 });
      for (const version of ['v1', 'v2', 'v3']) expect((await stage.deploy({ image: `sunday/web:${version}` })).errors).toEqual([]);
    });
    afterAll(() => stage?.stop());

    test('revision 1 of three is redeployed through the gate (staged, checked, switched), not switched to whatever the idle colour holds', async () => {
      const r = await stage.deploy({ mode: 'rollback', revision: '1', checks: '- url: /\n  expect-body: v1' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'green', image: 'sunday/web:v1', 'rolled-back': 'true', revision: '4', 'previous-revision': '3' });
      for (const step of ['staged', 'available', 'gated', 'switched']) expect(r.summary).toMatch(new RegExp(`\\| ${step} \\| ✅ \\|`));
      expect(await stage.serving()).toBe('v1');
      expect(await history(stage)).toEqual(['1:v1:blue-green:promoted', '2:v2:blue-green:promoted', '3:v3:blue-green:rolled-back', '4:v1:blue-green:promoted']);
    });

    test('a rollback after it goes further back only if there is something older: never forward to v3', async () => {
      const r = await stage.deploy({ mode: 'rollback' });
      expect(r.exitCode).toBe(1);
      expect(r.errors[0]).toMatch(/^Cannot roll back: no promoted revision older than revision 1, which serves now/);
      expect(await stage.serving()).toBe('v1');
    });

    test('canary-deploy rolls back to a revision in steps', async () => {
      const r = await stage.canary({ mode: 'rollback', revision: '2', checks: '- url: /\n  expect-body: v2' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ result: 'promoted', 'active-color': 'blue', 'rolled-back': 'true', revision: '5' });
      expect(r.summary).toContain('| 50% | 1 | 1 | passed |');
      expect(await stage.serving()).toBe('v2');
    });
  });

  describe('a rollback then another rollback', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'hist-rollback-twice' }, { replicas: 2 });
      for (const version of ['v1', 'v2', 'v3']) expect((await stage.deploy({ image: `sunday/web:${version}`, 'scale-down-delay': 'never' })).errors).toEqual([]);
    });
    afterAll(() => stage?.stop());

    test('the first switches straight back to v2 (the other colour still holds it); the second goes to v1, not forward to v3', async () => {
      const first = await stage.deploy({ mode: 'rollback' });
      expect(first.errors).toEqual([]);
      expect(first.outputs).toMatchObject({ 'active-color': 'green', image: 'sunday/web:v2', 'rolled-back': 'true', revision: '2' });
      expect(first.summary).not.toMatch(/\| staged \|/);
      expect(await stage.serving()).toBe('v2');
      // After the rollback the failed colour (blue, v3) is scaled down (scale-down-delay 0s here).
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(0);

      const second = await stage.deploy({ mode: 'rollback' });
      expect(second.errors).toEqual([]);
      expect(second.outputs).toMatchObject({ image: 'sunday/web:v1', 'rolled-back': 'true', revision: '4' });
      expect(await stage.serving()).toBe('v1');
      expect(await history(stage)).toEqual(['1:v1:blue-green:promoted', '2:v2:blue-green:rolled-back', '3:v3:blue-green:rolled-back', '4:v1:blue-green:promoted']);
    });
  });

  test('a run killed during the scale-down delay leaves a deadline; the next run of either action scales the overdue colour down', async () => {
    const stage = await startStage(kind, { name: 'hist-killed' }, { replicas: 2 });
    try {
      await stage.deploy({ image: 'sunday/web:v1' });
      const kill = new AbortController();
      const killed = await stage.deploy(
        { image: 'sunday/web:v2', 'scale-down-delay': '2s' },
        { onOutput: (chunk) => chunk.includes('Keeping web-blue for') && kill.abort(), kill: kill.signal },
      );
      expect(killed.signal).toBe('SIGKILL');
      expect(await stage.serving()).toBe('v2');
      const blue = (await stage.deployment('web-blue'))!;
      expect(blue.spec.replicas).toBe(2);
      const due = Date.parse(blue.metadata.annotations?.['sunday.dev/scale-down-at'] ?? '');
      expect(due).toBeGreaterThan(Date.now() - 5_000);
      // Later: the killed run's Lease has expired and the deadline has passed.
      await stage.expireLease();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now() + 50)));
      const next = await stage.canary({ mode: 'abort', manifests: '' });
      expect(next.errors).toEqual([]);
      expect(next.summary).toMatch(/\| overdue scale-down \| ✅ \|/);
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(0);
      expect((await stage.deployment('web-blue'))?.metadata.annotations?.['sunday.dev/scale-down-at']).toBeUndefined();
      expect(await stage.serving()).toBe('v2');
    } finally {
      await stage.stop();
    }
  });
});
