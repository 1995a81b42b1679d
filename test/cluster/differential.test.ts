/**
 * Differential tests: real kubectl 1.32 runs the same commands with the same assertions against the
 * emulator and against the real control plane (the run's shared cluster). Where they differ the
 * real one is right: the emulator is fixed, or the difference is named in its "not emulated"
 * header. Starts with the differences issue 16 lists: the client-side → server-side apply
 * hand-over, a too-old watch (200 and an ERROR 410 event), the service proxy's 503 for a port the
 * Service does not have. `SUNDAY_KUBE_TARGETS=emulator` runs the emulator's half alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentManifest, httpGet, kubectlFor, writeManifest } from '../kube/helpers.js';
import { KUBERNETES_VERSION } from './build/versions.js';
import { kubeTargets, startTarget, type KubeTarget } from './target.js';

// The real tier's first test may wait for the cluster's start-up (and, on a fresh machine, its build).
import { jest } from '@jest/globals';

jest.setTimeout(120_000);

describe.each(kubeTargets())('on the %s', (kind) => {
  let target: KubeTarget;
  let kubectl: ReturnType<typeof kubectlFor>['run'];
  let dir: string;
  let ns: string;
  const manifest = (name: string, body: unknown) => writeManifest(dir, name, body);
  const service = (name: string, selector: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
  const rollout = async (name: string) => expect((await kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=60s'])).stderr).toBe('');

  beforeAll(async () => {
    target = await startTarget(kind, { pace: 0, secondMs: 50 });
    dir = mkdtempSync(join(tmpdir(), `differential-${kind}-`));
    ns = target.namespace('differential');
    await target.writeKubeconfig(join(dir, 'kubeconfig'), { namespace: ns });
    ({ run: kubectl } = kubectlFor(join(dir, 'kubeconfig')));
    expect((await kubectl(['create', 'namespace', ns])).stdout).toBe(`namespace/${ns} created\n`);
  });
  afterAll(async () => {
    await target?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl version names the server 1.32', async () => {
    const version = JSON.parse((await kubectl(['version', '-o', 'json'])).stdout);
    expect(version.serverVersion).toMatchObject({ major: '1', minor: '32', gitVersion: expect.stringMatching(/^v1\.32\.\d+$/) });
    if (kind === 'cluster') expect(version.serverVersion.gitVersion).toBe(KUBERNETES_VERSION);
  });

  test('apply, rollout status, traffic through the Service; apply --server-side over a client-side apply takes over without a conflict', async () => {
    const v1 = manifest('web.yaml', [deploymentManifest('web', 'registry.local/web:v1', { replicas: 2 }), service('web', { app: 'web' })]);
    expect((await kubectl(['apply', '-f', v1])).stdout).toBe('deployment.apps/web created\nservice/web created\n');
    await rollout('web');
    expect((await httpGet(await target.serviceUrl(ns, 'web'))).body).toBe('v1\n');

    // Same Deployment, new image, server-side: the API server's field manager hands the fields of
    // the last-applied annotation from kubectl-client-side-apply to the applier (no 409).
    const v2 = manifest('web-v2.yaml', deploymentManifest('web', 'registry.local/web:v2', { replicas: 2 }));
    const applied = await kubectl(['apply', '--server-side', '-f', v2]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe('deployment.apps/web serverside-applied\n');
    await rollout('web');
    const live = JSON.parse((await kubectl(['get', 'deployment', 'web', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(live.spec.template.spec.containers[0].image).toBe('registry.local/web:v2');
    const managers = live.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('kubectl/Apply');
  });

  test('a watch from a resourceVersion the server no longer has: 200, then an ERROR event with a 410 Status', async () => {
    await kubectl(['create', 'configmap', 'before-compaction']);
    await target.compact();
    const watched = await kubectl(['get', '--raw', `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=1&timeoutSeconds=5`]);
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout.trim().split('\n')[0])).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  test('the service proxy answers 503 for a port the Service does not have, and forwards to a port it has', async () => {
    const proxied = await kubectl(['get', '--raw', `/api/v1/namespaces/${ns}/services/web:80/proxy/healthz`]);
    expect(proxied.stdout).toBe('v2\n');
    const unknown = await kubectl(['get', '--raw', `/api/v1/namespaces/${ns}/services/web:9999/proxy/healthz`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ServiceUnavailable');
  });

  test('create job --from=cronjob, then wait --for=condition=complete', async () => {
    const cron = manifest('cron.yaml', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'database-backup' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'registry.local/backup:2024.1' }] } } } } },
    });
    expect((await kubectl(['apply', '-f', cron])).code).toBe(0);
    expect((await kubectl(['create', 'job', 'backup-manual', '--from=cronjob/database-backup'])).stdout).toBe('job.batch/backup-manual created\n');
    expect((await kubectl(['wait', '--for=condition=complete', 'job/backup-manual', '--timeout=60s'])).stdout).toBe('job.batch/backup-manual condition met\n');
  });

  test('an injected fault reaches kubectl the same way on both', async () => {
    await target.injectFault({ verb: 'get', path: '/configmaps/missing', status: 409 });
    const conflict = await kubectl(['get', 'configmap', 'missing']);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Error from server (Conflict)');
    expect((await target.requests()).some((r) => r.verb === 'get' && r.path.includes('/configmaps/missing') && r.status === 409)).toBe(true);
    await target.clearFaults();
  });
});
