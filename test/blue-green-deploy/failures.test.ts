/** blue-green-deploy on both targets: every failure before the switch leaves traffic where it was; after it, switches back. */
import { jest } from '@jest/globals';
import { kubeTargets } from '../cluster/target.js';
import { startStage, appManifests, type Stage } from './fixture.js';

jest.setTimeout(180_000);

const IMAGE_MODES = { 'web:never': 'never-ready', ':crash': 'crash-loop', 'web:sick': 'unhealthy' } as const;

describe.each(kubeTargets())('on the %s', (kind) => {
  describe('failures of one app', () => {
    let stage: Stage;
    beforeAll(async () => {
      // A progress deadline of 4 s: on the emulator 4 × 250 ms, long enough for a loaded machine to
      // roll a healthy colour out within it (50 ms "seconds" made 200 ms, which a load of 19 missed).
      stage = await startStage(kind, { name: 'bg-failures', imageModes: IMAGE_MODES, emulator: { secondMs: 250 } }, { readinessProbe: true, progressDeadlineSeconds: 4 });
      const first = await stage.deploy({ image: 'sunday/web:v1' });
      expect(first.errors).toEqual([]);
      expect(first.outputs['active-color']).toBe('blue');
    });
    afterAll(() => stage?.stop());

    test('a rollout that passes its progress deadline is not switched to; the staged colour is kept for inspection', async () => {
      const r = await stage.deploy({ image: 'sunday/web:never' });
      expect(r.exitCode).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^Deployment web-green failed to roll out: ProgressDeadlineExceeded/);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'false', 'rolled-back': 'false', deployment: 'web-green' });
      expect(await stage.serving()).toBe('v1');
      expect(await stage.deployment('web-green')).toBeDefined();
      expect(r.summary).toContain('### ❌ web: deploy-and-promote failed — traffic stays on blue');
    });

    test('a crash-looping image times out the rollout; on-failure delete removes the staged colour', async () => {
      const r = await stage.deploy({ image: 'sunday/web:crash', 'rollout-timeout': '1s', 'on-failure': 'delete' });
      expect(r.exitCode).toBe(1);
      expect(r.errors[0]).toMatch(/web-green/);
      expect(await stage.serving()).toBe('v1');
      expect(await stage.deployment('web-green')).toBeUndefined();
      expect((await stage.service()).spec?.selector['sunday.dev/color']).toBe('blue');
    });

    test('failed checks on the staged colour: no switch', async () => {
      const r = await stage.deploy({ image: 'sunday/web:v2', checks: '- name: version\n  url: /\n  expect-body: v9' });
      expect(r.exitCode).toBe(1);
      expect(r.errors[0]).toBe("1 of 1 checks failed: version (body does not contain 'v9')");
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'false' });
      expect(await stage.serving()).toBe('v1');
    });

    test('failed post-checks after the switch: automatic rollback to the colour that served', async () => {
      const before = (await stage.service()).metadata.annotations;
      const r = await stage.deploy({ image: 'sunday/web:sick', 'post-checks': '- name: health\n  url: /healthz' });
      expect(r.exitCode).toBe(1);
      expect(r.errors[0]).toMatch(/^1 of 1 post-checks failed: health \(status 500, expected 2xx\) — traffic switched back to blue$/);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'green', promoted: 'false', 'rolled-back': 'true' });
      expect((await stage.service()).spec?.selector['sunday.dev/color']).toBe('blue');
      await stage.servesOnly('v1');
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(2); // never scaled down
      expect(r.summary).toContain('### ↩️ web: rolled back to blue');
      // The Service is exactly as it was: its audit trail does not record the failed release.
      expect((await stage.service()).metadata.annotations).toEqual(before);
      expect(r.summary).toMatch(/\| rolled back \| ✅ \|/);
    });

    describe('pre-deploy job', () => {
      const cronJob = (image: string) => `apiVersion: batch/v1
kind: CronJob
metadata: { name: database-backup }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    metadata: { labels: { job: backup } }
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          containers: [ { name: backup, image: ${image} } ]`;

      test('a Job from cronjob/database-backup must succeed first; it carries an owner reference', async () => {
        await stage.apply(cronJob('sunday/backup:v1'));
        const r = await stage.deploy({ image: 'sunday/web:v2', 'pre-deploy-job': 'cronjob/database-backup' });
        expect(r.errors).toEqual([]);
        expect(r.outputs['active-color']).toBe('green');
        const jobs = (await stage.list('Job')).filter((j) => j.metadata.name?.startsWith('database-backup-'));
        expect(jobs).toHaveLength(1);
        expect(jobs[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'database-backup' });
        expect(jobs[0].metadata.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual');
      });

      test('a failing pre-deploy Job stops the deploy before anything changes', async () => {
        await stage.apply(cronJob('sunday/backup:crash'));
        const before = (await stage.deployment('web-blue'))!.metadata.resourceVersion;
        const r = await stage.deploy({ image: 'sunday/web:v3', 'pre-deploy-job': 'cronjob/database-backup' });
        expect(r.exitCode).toBe(1);
        expect(r.errors[0]).toMatch(/^pre-deploy Job database-backup-\w+ failed: BackoffLimitExceeded/);
        expect((await stage.deployment('web-blue'))!.metadata.resourceVersion).toBe(before); // the idle colour was not touched
        expect(await stage.serving()).toBe('v2');
      });
    });
  });

  test('a manifest set without the Service, on a cluster without it, is refused before any change', async () => {
    const other = await startStage(kind, { name: 'bg-no-service' });
    try {
      other.writeManifests(appManifests().split('---')[0]);
      const r = await other.deploy({ image: 'sunday/web:v1' });
      expect(r.exitCode).toBe(1);
      expect(r.errors).toEqual([`Service ${other.namespace}/web does not exist and is not in the manifests`]);
      expect(await other.deployment('web-blue')).toBeUndefined();
    } finally {
      await other.stop();
    }
  });

  test('a failed first deploy removes the Service it created; the next deploy is a clean first deploy', async () => {
    const fresh = await startStage(kind, { name: 'bg-failed-first', imageModes: IMAGE_MODES }, { readinessProbe: true });
    try {
      const failed = await fresh.deploy({ image: 'sunday/web:sick', 'post-checks': '- url: /healthz' });
      expect(failed.exitCode).toBe(1);
      expect(failed.outputs).toMatchObject({ 'active-color': 'none', 'rolled-back': 'true', promoted: 'false' });
      expect(await fresh.object('Service', 'web')).toBeUndefined();
      const ok = await fresh.deploy({ image: 'sunday/web:v1' });
      expect(ok.errors).toEqual([]);
      expect(ok.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'none' });
      expect(ok.summary).not.toContain('pinned');
      expect(await fresh.serving()).toBe('v1');
    } finally {
      await fresh.stop();
    }
  });
});
