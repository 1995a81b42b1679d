/** Real kubectl against the emulator, through the kubeconfig the emulator writes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startKubeEmulator, type KubeEmulator } from '../servers/kube/index.js';
import { deploymentManifest, httpGet, kubectlFor, outputOf, waitFor } from './helpers.js';

let emulator: KubeEmulator;
let kubectl: ReturnType<typeof kubectlFor>['run'];
let spawnKubectl: ReturnType<typeof kubectlFor>['spawn'];
let dir: string;

const manifest = (name: string, body: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, Array.isArray(body) ? body.map((d) => stringify(d)).join('---\n') : stringify(body));
  return path;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kube-kubectl-'));
  emulator = await startKubeEmulator({ pace: 0, secondMs: 50, faultImages: { 'stuck:': 'never-ready' }, kubeconfigPath: join(dir, 'kubeconfig') });
  ({ run: kubectl, spawn: spawnKubectl } = kubectlFor(join(dir, 'kubeconfig')));
});

afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('get, get -o json and -l selectors', async () => {
  for (const [name, labels] of [
    ['one', { tier: 'web', env: 'prod' }],
    ['two', { tier: 'web', env: 'dev' }],
    ['three', { tier: 'db' }],
  ] as const) {
    emulator.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { name } });
  }
  const table = await kubectl(['get', 'configmaps']);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/^NAME\s+DATA\s+AGE\n/);
  expect(table.stdout).toMatch(/\nthree\s+1\s+\d+s\n/);

  const json = await kubectl(['get', 'configmap', 'two', '-o', 'json']);
  expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'two', labels: { env: 'dev' } }, data: { name: 'two' } });

  const names = async (selector: string) => (await kubectl(['get', 'cm', '-l', selector, '-o', 'name'])).stdout.trim().split('\n').filter(Boolean).sort();
  expect(await names('tier=web')).toEqual(['configmap/one', 'configmap/two']);
  expect(await names('tier=web,env!=prod')).toEqual(['configmap/two']);
  expect(await names('env in (prod,dev)')).toEqual(['configmap/one', 'configmap/two']);
  expect(await names('tier notin (web)')).toEqual(['configmap/three']);
  expect(await names('env')).toEqual(['configmap/one', 'configmap/two']);
  expect(await names('!env')).toEqual(['configmap/three']);

  const missing = await kubectl(['get', 'deployment', 'nope']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
});

test('create namespace (a protobuf body) and create configmap --dry-run=server', async () => {
  const created = await kubectl(['create', 'namespace', 'staging']);
  expect(created.stdout).toBe('namespace/staging created\n');
  expect(emulator.store.get('v1', 'Namespace', undefined, 'staging')?.status).toEqual({ phase: 'Active' });
  expect(emulator.requests.some((r) => r.verb === 'create' && r.contentType === 'application/vnd.kubernetes.protobuf')).toBe(true);
  const again = await kubectl(['create', 'namespace', 'staging']);
  expect(again.stderr).toContain('Error from server (AlreadyExists): namespaces "staging" already exists');

  const dryRun = await kubectl(['create', 'configmap', 'ghost', '-n', 'staging', '--from-literal=a=b', '--dry-run=server']);
  expect(dryRun.stdout).toContain('configmap/ghost created (server dry run)');
  expect(emulator.store.get('v1', 'ConfigMap', 'staging', 'ghost')).toBeUndefined();
});

test('apply -f, rollout status, apply again, and real traffic through the Service', async () => {
  const path = manifest('web.yaml', [
    deploymentManifest('web', 'registry.local/web:v1'),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
  ]);
  const applied = await kubectl(['apply', '-f', path]);
  expect(applied.stdout).toBe('deployment.apps/web created\nservice/web created\n');
  const rollout = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=10s']);
  expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
  expect((await httpGet(await emulator.serviceUrl('default', 'web'))).body).toBe('v1\n');

  manifest('web.yaml', [
    deploymentManifest('web', 'registry.local/web:v2'),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
  ]);
  const reapplied = await kubectl(['apply', '-f', path]);
  expect(reapplied.stdout).toBe('deployment.apps/web configured\nservice/web unchanged\n');
  expect((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=10s'])).code).toBe(0);
  expect((await httpGet(await emulator.serviceUrl('default', 'web'))).body).toBe('v2\n');

  const deployment = JSON.parse((await kubectl(['get', 'deployment', 'web', '-o', 'json'])).stdout);
  expect(deployment.status).toMatchObject({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
  expect(deployment.status.conditions.map((c: { type: string; reason: string }) => `${c.type}=${c.reason}`)).toEqual(['Available=MinimumReplicasAvailable', 'Progressing=NewReplicaSetAvailable']);
  const sets = JSON.parse((await kubectl(['get', 'rs', '-l', 'app=web', '-o', 'json'])).stdout).items;
  expect(sets.map((rs: { spec: { replicas: number } }) => rs.spec.replicas).sort()).toEqual([0, 2]);
  expect(sets.every((rs: { metadata: { labels: Record<string, string> } }) => /^[a-z0-9]{6,10}$/.test(rs.metadata.labels['pod-template-hash']))).toBe(true);
});

test('patch as merge, JSON and strategic merge; scale', async () => {
  expect((await kubectl(['patch', 'deployment', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"team":"blue"}}}'])).stdout).toBe('deployment.apps/web patched\n');
  expect((await kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"add","path":"/metadata/annotations/owner","value":"ops"}]'])).code).toBe(0);
  const strategic = await kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"MODE","value":"fast"}]}]}}}}']);
  expect(strategic.code).toBe(0);
  const scaled = await kubectl(['scale', 'deployment/web', '--replicas=3']);
  expect(scaled.stdout).toBe('deployment.apps/web scaled\n');
  const live = JSON.parse((await kubectl(['get', 'deployment', 'web', '-o', 'json'])).stdout);
  expect(live.metadata.labels).toEqual({ app: 'web', team: 'blue' });
  expect(live.metadata.annotations.owner).toBe('ops');
  // The strategic merge patch merged into the container named app, keeping its image and ports.
  expect(live.spec.template.spec.containers).toHaveLength(1);
  expect(live.spec.template.spec.containers[0]).toMatchObject({ name: 'app', image: 'registry.local/web:v2', env: [{ name: 'MODE', value: 'fast' }], ports: [{ containerPort: 8080 }] });
  expect(live.spec.replicas).toBe(3);
  expect((await kubectl(['rollout', 'status', 'deployment/web', '--timeout=10s'])).code).toBe(0);
  const badPatch = await kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
  expect(badPatch.code).toBe(1);
  expect(badPatch.stderr).toContain('The request is invalid: the server rejected our request due to an error in our request: testing value /spec/replicas failed');
});

test('apply --server-side over a client-side apply takes over the last-applied fields; a field it never applied conflicts without --force-conflicts', async () => {
  // `kubectl scale` has set .spec.replicas since, but the last-applied annotation lists it: the API
  // server hands it to kubectl's server-side apply without a conflict (its lastAppliedManager).
  const path = manifest('web-ssa.yaml', deploymentManifest('web', 'registry.local/web:v2', { replicas: 2 }));
  expect((await kubectl(['apply', '--server-side', '-f', path])).stdout).toBe('deployment.apps/web serverside-applied\n');
  // The label `team` came from `kubectl patch` and was never in the last-applied configuration.
  const relabelled = deploymentManifest('web', 'registry.local/web:v2', { replicas: 2 });
  const labelled = manifest('web-ssa-label.yaml', { ...relabelled, metadata: { name: 'web', labels: { app: 'web', team: 'red' } } });
  const conflict = await kubectl(['apply', '--server-side', '-f', labelled]);
  expect(conflict.code).toBe(1);
  expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .metadata.labels.team');
  const forced = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', labelled]);
  expect(forced.stdout).toBe('deployment.apps/web serverside-applied\n');
  const live = JSON.parse((await kubectl(['get', 'deployment', 'web', '-o', 'json', '--show-managed-fields'])).stdout);
  expect(live.spec.replicas).toBe(2);
  expect(live.metadata.labels.team).toBe('red');
  const managers = live.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
  expect(managers).toContain('kubectl/Apply');
});

test('rollout status fails once a never-ready Deployment exceeds its progress deadline', async () => {
  const path = manifest('stuck.yaml', deploymentManifest('stuck', 'registry.local/stuck:v1', { replicas: 1, progressDeadlineSeconds: 4 }));
  expect((await kubectl(['apply', '-f', path])).code).toBe(0);
  const rollout = await kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=10s']);
  expect(rollout.code).toBe(1);
  expect(rollout.stderr).toContain('error: deployment "stuck" exceeded its progress deadline');
  const status = JSON.parse((await kubectl(['get', 'deployment', 'stuck', '-o', 'json'])).stdout).status;
  expect(status.conditions).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }),
      expect.objectContaining({ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }),
    ]),
  );
});

test('create job --from=cronjob/database-backup, then wait --for=condition=complete', async () => {
  const path = manifest('cron.yaml', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'database-backup' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: {
        spec: {
          backoffLimit: 1,
          template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'registry.local/backup:2024.1', args: ['--all'], env: [{ name: 'TARGET', value: 's3' }] }] } },
        },
      },
    },
  });
  expect((await kubectl(['apply', '-f', path])).code).toBe(0);
  const created = await kubectl(['create', 'job', 'backup-manual', '--from=cronjob/database-backup']);
  expect(created.stdout).toBe('job.batch/backup-manual created\n');
  const waited = await kubectl(['wait', '--for=condition=complete', 'job/backup-manual', '--timeout=10s']);
  expect(waited.stdout).toBe('job.batch/backup-manual condition met\n');
  const job = emulator.store.get('batch/v1', 'Job', 'default', 'backup-manual')!;
  expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'database-backup', uid: emulator.store.get('batch/v1', 'CronJob', 'default', 'database-backup')!.metadata.uid });
  expect(job.spec.template.spec.containers[0]).toMatchObject({ image: 'registry.local/backup:2024.1', args: ['--all'], env: [{ name: 'TARGET', value: 's3' }] });
  expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
  expect(job.status).toMatchObject({ succeeded: 1 });
});

test('get -w sees a change; switching a Service selector switches traffic; delete', async () => {
  const blueGreen = manifest('colors.yaml', [
    deploymentManifest('blue', 'registry.local/shop:1.0.0', { replicas: 1, labels: { role: 'shop' } }),
    deploymentManifest('green', 'registry.local/shop:1.1.0', { replicas: 1, labels: { role: 'shop' } }),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop' }, spec: { selector: { app: 'blue' }, ports: [{ port: 80, targetPort: 8080 }] } },
  ]);
  expect((await kubectl(['apply', '-f', blueGreen])).code).toBe(0);
  expect((await kubectl(['rollout', 'status', 'deployment/blue', '--timeout=10s'])).code).toBe(0);
  expect((await kubectl(['rollout', 'status', 'deployment/green', '--timeout=10s'])).code).toBe(0);
  const shop = await emulator.serviceUrl('default', 'shop');
  expect((await httpGet(shop)).body).toBe('1.0.0\n');

  const watcher = spawnKubectl(['get', 'service', 'shop', '-w', '-o', 'jsonpath={.spec.selector.app}{"\\n"}']);
  const watched = outputOf(watcher);
  try {
    await watched.until('blue\n');
    expect((await kubectl(['patch', 'service', 'shop', '-p', '{"spec":{"selector":{"app":"green"}}}'])).code).toBe(0);
    await watched.until('blue\ngreen\n');
  } finally {
    watcher.kill();
  }
  // Each new connection goes to a pod the current selector picks.
  expect((await httpGet(shop)).body).toBe('1.1.0\n');
  const proxied = await kubectl(['get', '--raw', '/api/v1/namespaces/default/services/shop:80/proxy/healthz']);
  expect(proxied.stdout).toBe('1.1.0\n');

  expect((await kubectl(['set', 'image', 'deployment/green', 'app=registry.local/shop:1.2.0'])).code).toBe(0);
  expect((await kubectl(['rollout', 'status', 'deployment/green', '--timeout=10s'])).code).toBe(0);
  expect((await httpGet(shop)).body).toBe('1.2.0\n');
  expect((await kubectl(['rollout', 'undo', 'deployment/green'])).stdout).toBe('deployment.apps/green rolled back\n');
  expect((await kubectl(['rollout', 'status', 'deployment/green', '--timeout=10s'])).code).toBe(0);
  expect((await httpGet(shop)).body).toBe('1.1.0\n');

  const deleted = await kubectl(['delete', 'deployment', 'blue']);
  expect(deleted.stdout).toBe('deployment.apps "blue" deleted\n');
  // Owner references are collected: the ReplicaSet and pods of blue go too.
  await waitFor('blue pods to go', () => (emulator.store.list('v1', 'Pod', 'default').some((p) => p.metadata.labels?.app === 'blue') ? undefined : true));
  expect(emulator.store.list('apps/v1', 'ReplicaSet', 'default').filter((rs) => rs.metadata.labels?.app === 'blue')).toEqual([]);
  expect((await kubectl(['get', 'deployment', 'blue'])).code).toBe(1);
});
