/** canary-deploy's bundle on both Kubernetes targets: steps under traffic, checks that abort, modes, workers. */
import { jest } from '@jest/globals';
import { appManifests, startStage, type Stage } from '../blue-green-deploy/fixture.js';
import { kubeTargets } from '../cluster/target.js';
import { steadyTraffic } from '../deploy/traffic.js';

jest.setTimeout(180_000);

const IMAGE_MODES = { 'web:sick': 'unhealthy' } as const;

describe.each(kubeTargets())('on the %s', (kind) => {
  /**
   * No request fails, on both targets. The canary scales the old colour down while the Service
   * still selects it: the app drains (a 2 s preStop sleep), so a pod the EndpointSlices still list
   * for a moment still answers. Without the drain, 4 of 8 cluster runs lost one request each.
   */
  const expectNoFailedRequest = (failures: string[]) => expect(failures).toEqual([]);

  describe('a canary through 10/50/100 under steady traffic', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'canary-steps', imageModes: IMAGE_MODES }, { replicas: 4, readinessProbe: true, preStopSeconds: 2 });
      const first = await stage.canary({ image: 'sunday/web:v1' });
      expect(first.errors).toEqual([]);
      // The very first release has nothing to share traffic with: it goes straight to 100.
      expect(first.outputs).toMatchObject({ result: 'promoted', weight: '100', 'active-color': 'blue', revision: '1', promoted: 'true' });
    });
    afterAll(() => stage?.stop());

    test('both versions answer in between, no request fails, and the Service ends on green alone', async () => {
      const url = await stage.serviceUrl();
      const traffic = steadyTraffic(url);
      const r = await stage.canary({ image: 'sunday/web:v2', checks: '- url: /\n  expect-body: v2', 'step-pause': '400ms' });
      await traffic.stop();
      expect(r.errors).toEqual([]);
      expect(r.outputs).toEqual({
        result: 'promoted',
        weight: '100',
        revision: '2',
        'previous-revision': '1',
        'active-color': 'green',
        'previous-image': 'sunday/web:v1',
        promoted: 'true',
        'rolled-back': 'false',
        analysis: '',
        'analysis-failed-metric': '',
      });
      expectNoFailedRequest(traffic.failures);
      expect(new Set(traffic.seen)).toEqual(new Set(['v1', 'v2']));
      // While the steps ran, requests were answered by both versions: not a single switch.
      const firstV2 = traffic.seen.indexOf('v2');
      expect(traffic.seen.slice(firstV2).filter((v) => v === 'v1').length).toBeGreaterThan(0);
      expect((await stage.service()).spec.selector).toEqual({ app: 'web', 'sunday.dev/color': 'green' });
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(4);
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(0);
      for (const row of ['| 25% | 1 | 3 | passed | not configured |', '| 50% | 2 | 2 | passed | not configured |', '| 100% | 4 | 0 | passed |']) expect(r.summary).toContain(row);
      expect(r.summary).toContain('#### Recent revisions');
      await stage.servesOnly('v2');
    });

    test('a release failing its checks at the first step is aborted; the old version serves every request', async () => {
      const url = await stage.serviceUrl();
      const traffic = steadyTraffic(url);
      const r = await stage.canary({ image: 'sunday/web:sick', checks: '- name: health\n  url: /healthz' });
      await traffic.stop();
      expect(r.exitCode).toBe(1);
      expect(r.errors).toEqual(['Canary aborted at 25%: 1 of 1 checks failed: health (status 500, expected 2xx) — green serves every request']);
      expect(r.outputs).toMatchObject({ result: 'aborted', weight: '0', 'active-color': 'green', promoted: 'false', 'rolled-back': 'false', revision: '2' });
      expectNoFailedRequest(traffic.failures);
      expect((await stage.service()).spec.selector).toEqual({ app: 'web', 'sunday.dev/color': 'green' });
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(4);
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(0);
      expect(r.summary).toContain('### ❌ web: deploy-and-promote — aborted, the new release serves 0%');
      await stage.servesOnly('v2');
      const history = (await stage.object('ConfigMap', 'web-deploy-history'))!;
      expect(JSON.parse((history.data as Record<string, string>)['revision-3']).result).toBe('failed');
    });
  });

  test('post-checks failing once the Service selects the new colour alone: switched back, the old colour serves every request', async () => {
    const stage = await startStage(kind, { name: 'canary-post', imageModes: IMAGE_MODES }, { replicas: 2 });
    try {
      await stage.canary({ image: 'sunday/web:v1' });
      const before = (await stage.service()).metadata.annotations;
      const r = await stage.canary({ image: 'sunday/web:sick', 'post-checks': '- name: health\n  url: /healthz' });
      expect(r.exitCode).toBe(1);
      expect(r.errors).toEqual(['1 of 1 post-checks failed: health (status 500, expected 2xx) — traffic switched back to blue']);
      expect(r.outputs).toMatchObject({ result: 'aborted', weight: '0', 'active-color': 'blue', promoted: 'false', 'rolled-back': 'true', revision: '1' });
      expect((await stage.service()).spec.selector).toEqual({ app: 'web', 'sunday.dev/color': 'blue' });
      expect((await stage.service()).metadata.annotations).toEqual(before);
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(2);
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(0);
      await stage.servesOnly('v1');
    } finally {
      await stage.stop();
    }
  });

  describe('modes: deploy pauses, promote goes on, abort undoes', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'canary-modes' }, { replicas: 4, hpa: true });
      expect((await stage.canary({ image: 'sunday/web:v1' })).outputs.result).toBe('promoted');
    });
    afterAll(() => stage?.stop());

    test('mode deploy runs the steps before 100 and pauses; the old HPA is held, the new colour has none yet', async () => {
      const r = await stage.canary({ mode: 'deploy', image: 'sunday/web:v2' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ result: 'paused', weight: '50', 'active-color': 'blue', promoted: 'false', revision: '2' });
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(2);
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(2);
      expect((await stage.service()).spec.selector).toEqual({ app: 'web' });
      const hpa = (name: string) => stage.object('HorizontalPodAutoscaler', name);
      // A real API server fills in the default policies beside selectPolicy (the emulator does not).
      expect((await hpa('web-blue'))?.spec.behavior).toMatchObject({ scaleUp: { selectPolicy: 'Disabled' }, scaleDown: { selectPolicy: 'Disabled' } });
      expect(await hpa('web-green')).toBeUndefined();
    });

    test('mode promote goes on from 50 to 100; the HPA moves to the new colour', async () => {
      const r = await stage.canary({ mode: 'promote', manifests: '' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ result: 'promoted', weight: '100', 'active-color': 'green', promoted: 'true', 'previous-image': 'sunday/web:v1' });
      expect(r.summary).not.toContain('| 25% |');
      expect(await stage.serving()).toBe('v2');
      const hpa = (name: string) => stage.object('HorizontalPodAutoscaler', name);
      expect((await hpa('web-green'))?.spec.scaleTargetRef.name).toBe('web-green');
      expect((await hpa('web-blue'))?.spec.behavior).toBeUndefined();
    });

    test('mode abort undoes a paused canary: the new colour to zero, the old back to total, the Service on it alone', async () => {
      expect((await stage.canary({ mode: 'deploy', image: 'sunday/web:v3' })).outputs.result).toBe('paused');
      const r = await stage.canary({ mode: 'abort', manifests: '' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ result: 'aborted', weight: '0', 'active-color': 'green' });
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(0);
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(4);
      expect((await stage.service()).spec.selector).toEqual({ app: 'web', 'sunday.dev/color': 'green' });
      await stage.servesOnly('v2');
      const again = await stage.canary({ mode: 'abort', manifests: '' });
      expect(again.outputs.result).toBe('no-op');
    });

    test('the same release again is a no-op', async () => {
      const r = await stage.canary({ image: 'sunday/web:v2' });
      expect(r.outputs).toMatchObject({ result: 'no-op', weight: '100', 'active-color': 'green' });
    });
  });

  test('a worker without a Service is deployed in steps: a controlled rolling update', async () => {
    const stage = await startStage(kind, { name: 'canary-worker' });
    try {
      stage.writeManifests(appManifests({ replicas: 4 }).split('---')[0].replace(/name: web, labels/, 'name: worker, labels'));
      const inputs = { app: 'worker', service: 'worker', steps: '25,50,75,100' };
      const first = await stage.canary({ ...inputs, image: 'sunday/worker:v1' });
      expect(first.errors).toEqual([]);
      expect(first.outputs).toMatchObject({ result: 'promoted', 'active-color': 'blue' });
      const r = await stage.canary({ ...inputs, image: 'sunday/worker:v2' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ result: 'promoted', weight: '100', 'active-color': 'green', 'previous-image': 'sunday/worker:v1', revision: '2' });
      for (const row of ['| 25% | 1 | 3 |', '| 50% | 2 | 2 |', '| 75% | 3 | 1 |', '| 100% | 4 | 0 |']) expect(r.summary).toContain(row);
      expect((await stage.deployment('worker-green'))?.spec.replicas).toBe(4);
      expect((await stage.deployment('worker-blue'))?.spec.replicas).toBe(0);
      expect(await stage.object('Service', 'worker')).toBeUndefined();
    } finally {
      await stage.stop();
    }
  });

  test('a canary killed between steps is resumed by the next run of the same release: the reached step checked again, then on to 100', async () => {
    const stage = await startStage(kind, { name: 'canary-resume' }, { replicas: 4 });
    try {
      await stage.canary({ image: 'sunday/web:v1' });
      const kill = new AbortController();
      const inputs = { image: 'sunday/web:v2', checks: '- url: /\n  expect-body: v2' };
      const killed = await stage.canary({ ...inputs, 'step-pause': '30s' }, { onOutput: (chunk) => chunk.includes('▶ paused at 25%') && kill.abort(), kill: kill.signal });
      expect(killed.signal).toBe('SIGKILL');
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(1);
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(3);
      await stage.expireLease();
      const resumed = await stage.canary(inputs);
      expect(resumed.errors).toEqual([]);
      expect(resumed.annotations.map((a) => a.message)).toContain('Resuming the canary of revision 2 on green from 25%');
      expect(resumed.summary).toMatch(/\| checks at 25% \| ✅ \|/);
      expect(resumed.summary).not.toContain('| 25% | 1 | 3 |');
      expect(resumed.outputs).toMatchObject({ result: 'promoted', weight: '100', revision: '2', 'active-color': 'green' });
      expect(await stage.serving()).toBe('v2');
    } finally {
      await stage.stop();
    }
  });
});
