/** @kubernetes/client-node, the client blue-green-deploy uses, runs its own cycles against the emulator. */
import * as k8s from '@kubernetes/client-node';
import { startKubeEmulator, type KubeEmulator } from '../servers/kube/index.js';
import { deploymentManifest, httpGet, waitFor } from './helpers.js';

let emulator: KubeEmulator;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  emulator = await startKubeEmulator({ pace: 0 });
  kc = new k8s.KubeConfig();
  kc.loadFromString(emulator.kubeconfig);
});

afterAll(() => emulator.stop());

const statusOf = (error: unknown): { code: number; body: Record<string, unknown> } => {
  const e = error as k8s.ApiException<string>;
  return { code: e.code, body: JSON.parse(e.body) };
};

test('create, list with selectors, get, replace with a stale resourceVersion (409), delete', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  for (const [name, color] of [['a', 'blue'], ['b', 'green']]) {
    await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name, labels: { color } }, data: { v: '1' } } });
  }
  const blue = await core.listNamespacedConfigMap({ namespace: 'shop', labelSelector: 'color in (blue)' });
  expect(blue.items.map((c) => c.metadata?.name)).toEqual(['a']);
  const byName = await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.name=b,metadata.namespace=shop' });
  expect(byName.items.map((c) => c.metadata?.name)).toEqual(['b']);

  const stale = await core.readNamespacedConfigMap({ name: 'a', namespace: 'shop' });
  await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'shop', body: { ...stale, data: { v: '2' } } });
  const conflict = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'shop', body: { ...stale, data: { v: '3' } } }).catch(statusOf);
  expect(conflict).toMatchObject({
    code: 409,
    body: { kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, details: { name: 'a', kind: 'configmaps' } },
  });
  const duplicate = await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'a' } } }).catch(statusOf);
  expect(duplicate).toMatchObject({ code: 409, body: { reason: 'AlreadyExists', message: 'configmaps "a" already exists' } });

  await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'shop' });
  const gone = await core.readNamespacedConfigMap({ name: 'a', namespace: 'shop' }).catch(statusOf);
  expect(gone).toMatchObject({ code: 404, body: { reason: 'NotFound', message: 'configmaps "a" not found', details: { name: 'a', kind: 'configmaps' } } });
  const invalid = await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'Not_Valid' } } }).catch(statusOf);
  expect(invalid).toMatchObject({ code: 422, body: { reason: 'Invalid', details: { causes: [expect.objectContaining({ field: 'metadata.name' })] } } });
});

test('watch from a resourceVersion, merge and strategic merge patches, and a 410 ERROR event for a compacted version', async () => {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const created = await apps.createNamespacedDeployment({ namespace: 'default', body: deploymentManifest('api', 'registry.local/api:v1') as k8s.V1Deployment });
  const from = created.metadata!.resourceVersion!;

  const events: string[] = [];
  const watch = new k8s.Watch(kc);
  const controller = await watch.watch(
    '/apis/apps/v1/namespaces/default/deployments',
    { resourceVersion: from, fieldSelector: 'metadata.name=api' },
    (type, object: k8s.V1Deployment) => events.push(`${type} ${object.spec?.template.spec?.containers[0].image} ${object.spec?.replicas}`),
    () => {},
  );
  try {
    await objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' }, spec: { replicas: 3 } } as k8s.KubernetesObject, undefined, undefined, 'deployer', undefined, k8s.PatchStrategy.MergePatch);
    await objects.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.local/api:v2' }] } } } } as k8s.KubernetesObject,
      undefined,
      undefined,
      'deployer',
      undefined,
      k8s.PatchStrategy.StrategicMergePatch,
    );
    await waitFor('the patches to be watched', () => (events.some((e) => e.startsWith('MODIFIED registry.local/api:v2 3')) ? true : undefined));
  } finally {
    controller.abort();
  }
  expect(events).toContain('MODIFIED registry.local/api:v1 3');
  const live = await apps.readNamespacedDeployment({ name: 'api', namespace: 'default' });
  // The strategic merge kept the container's ports: containers merge by name.
  expect(live.spec?.template.spec?.containers).toEqual([expect.objectContaining({ name: 'app', image: 'registry.local/api:v2', ports: [expect.objectContaining({ containerPort: 8080 })] })]);
  expect(live.metadata?.managedFields?.some((m) => m.manager === 'deployer' && m.operation === 'Update')).toBe(true);

  emulator.store.compact();
  // As a real API server: 200, then one ERROR event whose object is a 410 Expired Status.
  const seen: Array<{ type: string; object: unknown }> = [];
  await new Promise<unknown>((resolve) => {
    void watch.watch('/apis/apps/v1/namespaces/default/deployments', { resourceVersion: from }, (type, object) => seen.push({ type, object }), resolve);
  });
  expect(seen).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
});

test('an informer lists, watches, and follows a dropped watch', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/secrets', () => core.listNamespacedSecret({ namespace: 'default' }));
  const seen: string[] = [];
  informer.on('add', (s: k8s.V1Secret) => seen.push(`add ${s.metadata?.name}`));
  informer.on('update', (s: k8s.V1Secret) => seen.push(`update ${s.metadata?.name}`));
  let stopped = false;
  // As client-node's docs advise: restart the informer after an error (here, the dropped watch).
  informer.on('error', () => setTimeout(() => void (stopped || informer.start()), 10));
  await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'first' }, stringData: { token: 'x' } } });
  await informer.start();
  try {
    await waitFor('the informer to list', () => (seen.includes('add first') ? true : undefined));
    expect(emulator.dropWatches()).toBeGreaterThan(0);
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'second' }, stringData: { token: 'y' } } });
    await waitFor('the informer to see the second secret', () => (seen.includes('add second') ? true : undefined));
    expect(informer.list().map((s) => s.metadata?.name).sort()).toEqual(['first', 'second']);
    expect(Buffer.from(informer.get('second', 'default')!.data!.token, 'base64').toString()).toBe('y');
  } finally {
    stopped = true;
    await informer.stop();
  }
});

test('leases: create, renew with the resourceVersion, and lose a race', async () => {
  const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  const lease = await coordination.createNamespacedLease({
    namespace: 'default',
    body: { metadata: { name: 'deploy-lock' }, spec: { holderIdentity: 'run-1', leaseDurationSeconds: 30, acquireTime: new k8s.V1MicroTime() } },
  });
  const renewed = await coordination.replaceNamespacedLease({ name: 'deploy-lock', namespace: 'default', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'run-1', renewTime: new k8s.V1MicroTime() } } });
  expect(Number(renewed.metadata?.resourceVersion)).toBeGreaterThan(Number(lease.metadata?.resourceVersion));
  const lost = await coordination.replaceNamespacedLease({ name: 'deploy-lock', namespace: 'default', body: { ...lease, spec: { ...lease.spec, holderIdentity: 'run-2' } } }).then(() => 'replaced', statusOf);
  expect(lost).toMatchObject({ code: 409, body: { reason: 'Conflict' } });
  expect((await coordination.readNamespacedLease({ name: 'deploy-lock', namespace: 'default' })).spec?.holderIdentity).toBe('run-1');
});

test('services proxy and a Service URL carry real traffic to ready pods', async () => {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await apps.createNamespacedDeployment({ namespace: 'default', body: deploymentManifest('checkout', 'registry.local/checkout:3.4.5') as k8s.V1Deployment });
  await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'checkout' }, spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } });
  await waitFor('checkout to be available', async () => ((await apps.readNamespacedDeployment({ name: 'checkout', namespace: 'default' })).status?.availableReplicas === 2 ? true : undefined));
  const proxied = await core.connectGetNamespacedServiceProxyWithPath({ name: 'checkout:http', namespace: 'default', path: 'healthz' });
  expect(proxied).toBe('3.4.5\n');
  const endpoints = await core.readNamespacedEndpoints({ name: 'checkout', namespace: 'default' });
  expect(endpoints.subsets?.flatMap((s) => s.addresses ?? [])).toHaveLength(2);
  const pods = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const answer = await httpGet(await emulator.serviceUrl('default', 'checkout', 80));
    expect(answer.body).toBe('3.4.5\n');
    pods.add(String(answer.headers['x-pod-name']));
  }
  expect(pods.size).toBe(2);
});
