/**
 * @kubernetes/client-node, the client blue-green-deploy uses, runs its own cycles against both
 * Kubernetes targets (test/cluster/target.ts), the emulator and the real control plane, with the
 * same assertions; everything is read back through the API. `SUNDAY_KUBE_TARGETS=emulator` runs
 * the emulator's half alone.
 */
import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { kubeTargets, startTarget, type KubeTarget } from '../cluster/target.js';
import { deploymentManifest, httpGet, waitFor } from './helpers.js';

// The real tier's first test may wait for the shared cluster's start-up (or, on a fresh machine, its build).
jest.setTimeout(180_000);

const statusOf = (error: unknown): { code: number; body: Record<string, unknown> } => {
  const e = error as k8s.ApiException<string>;
  return { code: e.code, body: JSON.parse(e.body) };
};

describe.each(kubeTargets())('client-node on the %s', (kind) => {
  let target: KubeTarget;
  let kc: k8s.KubeConfig;
  /** This suite's working namespace (the emulator's `default` was one before; the cluster is shared). */
  let ns: string;

  beforeAll(async () => {
    target = await startTarget(kind, { pace: 0 });
    kc = new k8s.KubeConfig();
    kc.loadFromString(target.kubeconfig);
    ns = target.namespace('client-node');
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
  });

  afterAll(() => target?.cleanup());

  test('create, list with selectors, get, replace with a stale resourceVersion (409), delete', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const shop = target.namespace('shop');
    await core.createNamespace({ body: { metadata: { name: shop } } });
    for (const [name, color] of [['a', 'blue'], ['b', 'green']]) {
      await core.createNamespacedConfigMap({ namespace: shop, body: { metadata: { name, labels: { color } }, data: { v: '1' } } });
    }
    const blue = await core.listNamespacedConfigMap({ namespace: shop, labelSelector: 'color in (blue)' });
    expect(blue.items.map((c) => c.metadata?.name)).toEqual(['a']);
    const byName = await core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.name=b,metadata.namespace=${shop}` });
    expect(byName.items.map((c) => c.metadata?.name)).toEqual(['b']);

    const stale = await core.readNamespacedConfigMap({ name: 'a', namespace: shop });
    await core.replaceNamespacedConfigMap({ name: 'a', namespace: shop, body: { ...stale, data: { v: '2' } } });
    const conflict = await core.replaceNamespacedConfigMap({ name: 'a', namespace: shop, body: { ...stale, data: { v: '3' } } }).catch(statusOf);
    expect(conflict).toMatchObject({
      code: 409,
      body: { kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, details: { name: 'a', kind: 'configmaps' } },
    });
    const duplicate = await core.createNamespacedConfigMap({ namespace: shop, body: { metadata: { name: 'a' } } }).catch(statusOf);
    expect(duplicate).toMatchObject({ code: 409, body: { reason: 'AlreadyExists', message: 'configmaps "a" already exists' } });

    await core.deleteNamespacedConfigMap({ name: 'a', namespace: shop });
    const gone = await core.readNamespacedConfigMap({ name: 'a', namespace: shop }).catch(statusOf);
    expect(gone).toMatchObject({ code: 404, body: { reason: 'NotFound', message: 'configmaps "a" not found', details: { name: 'a', kind: 'configmaps' } } });
    const invalid = await core.createNamespacedConfigMap({ namespace: shop, body: { metadata: { name: 'Not_Valid' } } }).catch(statusOf);
    expect(invalid).toMatchObject({ code: 422, body: { reason: 'Invalid', details: { causes: [expect.objectContaining({ field: 'metadata.name' })] } } });
  });

  test('watch from a resourceVersion, merge and strategic merge patches, and a 410 ERROR event for a compacted version', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: deploymentManifest('api', 'registry.local/api:v1') as k8s.V1Deployment });
    const from = created.metadata!.resourceVersion!;

    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      { resourceVersion: from, fieldSelector: 'metadata.name=api' },
      (type, object: k8s.V1Deployment) => events.push(`${type} ${object.spec?.template.spec?.containers[0].image} ${object.spec?.replicas}`),
      () => {},
    );
    try {
      await objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: ns }, spec: { replicas: 3 } } as k8s.KubernetesObject, undefined, undefined, 'deployer', undefined, k8s.PatchStrategy.MergePatch);
      await objects.patch(
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: ns }, spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.local/api:v2' }] } } } } as k8s.KubernetesObject,
        undefined,
        undefined,
        'deployer',
        undefined,
        k8s.PatchStrategy.StrategicMergePatch,
      );
      await waitFor('the patches to be watched', () => (events.some((e) => e.startsWith('MODIFIED registry.local/api:v2 3')) ? true : undefined), 20_000);
    } finally {
      controller.abort();
    }
    expect(events).toContain('MODIFIED registry.local/api:v1 3');
    const live = await apps.readNamespacedDeployment({ name: 'api', namespace: ns });
    // The strategic merge kept the container's ports: containers merge by name.
    expect(live.spec?.template.spec?.containers).toEqual([expect.objectContaining({ name: 'app', image: 'registry.local/api:v2', ports: [expect.objectContaining({ containerPort: 8080 })] })]);
    expect(live.metadata?.managedFields?.some((m) => m.manager === 'deployer' && m.operation === 'Update')).toBe(true);

    // ConfigMaps: the real cluster serves their watches from etcd, whose history `compact()` drops
    // (other kinds come from the API server's watch cache, which keeps its own window).
    const before = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before-compaction' } } });
    // Two changes after it: etcd compacts up to its current revision and keeps that one, so the
    // first change after `before` must be older than the last for the watch to start too early.
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after-it' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after-that' } } });
    await target.compact();
    // As a real API server: 200, then one ERROR event whose object is a 410 Expired Status.
    const seen: Array<{ type: string; object: unknown }> = [];
    await new Promise<unknown>((resolve) => {
      void watch.watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: before.metadata!.resourceVersion }, (type, object) => seen.push({ type, object }), resolve);
    });
    expect(seen).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
  });

  test('an informer lists, watches, and follows a dropped watch', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/secrets`, () => core.listNamespacedSecret({ namespace: ns }));
    const seen: string[] = [];
    informer.on('add', (s: k8s.V1Secret) => seen.push(`add ${s.metadata?.name}`));
    informer.on('update', (s: k8s.V1Secret) => seen.push(`update ${s.metadata?.name}`));
    let stopped = false;
    // As client-node's docs advise: restart the informer after an error (here, the dropped watch).
    informer.on('error', () => setTimeout(() => void (stopped || informer.start()), 10));
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'first' }, stringData: { token: 'x' } } });
    // The informer's first watch is cut after its first event (the second secret), mid-stream.
    await target.injectFault({ verb: 'watch', path: `/namespaces/${ns}/secrets`, dropWatchAfterEvents: 1 });
    await informer.start();
    try {
      await waitFor('the informer to list', () => (seen.includes('add first') ? true : undefined), 20_000);
      await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'second' }, stringData: { token: 'y' } } });
      await waitFor('the informer to see the second secret', () => (seen.includes('add second') ? true : undefined), 20_000);
      // Seen only by the informer's next watch: it has followed the cut.
      await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'third' }, stringData: { token: 'z' } } });
      await waitFor('the informer to see the third secret', () => (seen.includes('add third') ? true : undefined), 20_000);
      expect(informer.list().map((s) => s.metadata?.name).sort()).toEqual(['first', 'second', 'third']);
      expect(Buffer.from(informer.get('second', ns)!.data!.token, 'base64').toString()).toBe('y');
      const watches = (await target.requests()).filter((r) => r.verb === 'watch' && r.path.includes(`/namespaces/${ns}/secrets`));
      expect(watches.length).toBeGreaterThanOrEqual(2);
    } finally {
      stopped = true;
      await informer.stop();
      await target.clearFaults();
    }
  });

  test('leases: create, renew with the resourceVersion, and lose a race', async () => {
    const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coordination.createNamespacedLease({
      namespace: ns,
      body: { metadata: { name: 'deploy-lock' }, spec: { holderIdentity: 'run-1', leaseDurationSeconds: 30, acquireTime: new k8s.V1MicroTime() } },
    });
    const renewed = await coordination.replaceNamespacedLease({ name: 'deploy-lock', namespace: ns, body: { ...lease, spec: { ...lease.spec, holderIdentity: 'run-1', renewTime: new k8s.V1MicroTime() } } });
    expect(Number(renewed.metadata?.resourceVersion)).toBeGreaterThan(Number(lease.metadata?.resourceVersion));
    const lost = await coordination.replaceNamespacedLease({ name: 'deploy-lock', namespace: ns, body: { ...lease, spec: { ...lease.spec, holderIdentity: 'run-2' } } }).then(() => 'replaced', statusOf);
    expect(lost).toMatchObject({ code: 409, body: { reason: 'Conflict' } });
    expect((await coordination.readNamespacedLease({ name: 'deploy-lock', namespace: ns })).spec?.holderIdentity).toBe('run-1');
  });

  test('services proxy and a Service URL carry real traffic to ready pods', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await apps.createNamespacedDeployment({ namespace: ns, body: deploymentManifest('checkout', 'registry.local/checkout:3.4.5') as k8s.V1Deployment });
    await core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'checkout' }, spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } });
    await waitFor('checkout to be available', async () => ((await apps.readNamespacedDeployment({ name: 'checkout', namespace: ns })).status?.availableReplicas === 2 ? true : undefined), 60_000);
    // The real endpoint controller writes Endpoints a moment after the pods are ready.
    const addresses = await waitFor('both pods in the Endpoints', async () => {
      const endpoints = await core.readNamespacedEndpoints({ name: 'checkout', namespace: ns }).catch(() => undefined);
      const ready = endpoints?.subsets?.flatMap((s) => s.addresses ?? []) ?? [];
      return ready.length === 2 ? ready : undefined;
    }, 30_000);
    expect(addresses).toHaveLength(2);
    const proxied = await core.connectGetNamespacedServiceProxyWithPath({ name: 'checkout:http', namespace: ns, path: 'healthz' });
    expect(proxied).toBe('3.4.5\n');
    // Each new connection goes to the next ready endpoint: both pods answer within a few requests.
    const url = await target.serviceUrl(ns, 'checkout', 80);
    const pods = new Set<string>();
    await waitFor('both pods to answer through the Service', async () => {
      const answer = await httpGet(url);
      expect(answer.body).toBe('3.4.5\n');
      pods.add(String(answer.headers['x-pod-name']));
      return pods.size === 2 ? true : undefined;
    }, 30_000);
    expect(pods.size).toBe(2);
  });
});
