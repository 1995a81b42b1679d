/**
 * The emulator's control loop: rollouts, deadlines, jobs, image failure modes, endpoints, garbage
 * collection, and faults. Emulator only: it checks the loop's own steps from its store, at the
 * emulator's compressed time (`secondMs`). What of it is Kubernetes behaviour runs on both targets
 * elsewhere — Jobs, garbage collection with Orphan and server-side apply over HTTP in api.test.ts;
 * rollouts, progress deadlines and Jobs from CronJobs in kubectl.test.ts and client-node.test.ts;
 * fault images on the real node agent in test/cluster/agent/agent.test.ts; faults through the
 * proxy in test/cluster/differential.test.ts.
 */
import { startKubeEmulator, type KubeEmulator, type KubeObject } from '../servers/kube/index.js';
import { deploymentManifest, httpGet, waitFor } from './helpers.js';

let emulator: KubeEmulator;

beforeAll(async () => {
  emulator = await startKubeEmulator({
    pace: 0,
    secondMs: 20,
    faultImages: { 'stuck:': 'never-ready', 'frozen:': 'never-ready', 'crashy:': 'crash-loop', 'sick:': 'unhealthy', 'sluggish:': 'slow' },
    slowMs: 50,
  });
});

afterAll(() => emulator.stop());

const deployment = (name: string) => emulator.store.get('apps/v1', 'Deployment', 'default', name)!;
const podsOf = (app: string) => emulator.store.list('v1', 'Pod', 'default').filter((p) => p.metadata.labels?.app === app);
const condition = (object: KubeObject, type: string) => (object.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
const available = (name: string) => () => (deployment(name)?.status?.availableReplicas === deployment(name)?.spec.replicas && condition(deployment(name), 'Progressing')?.reason === 'NewReplicaSetAvailable' ? deployment(name) : undefined);

async function api(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const response = await fetch(emulator.url + path, { method, headers: { 'content-type': contentType }, body: body === undefined ? undefined : JSON.stringify(body) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes JSON, checked by the assertions
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

test('a Deployment moves from created to available, with ReplicaSet, pods that serve, and status', async () => {
  emulator.store.put(deploymentManifest('catalog', 'registry.local/catalog:2.0.1', { replicas: 3 }) as KubeObject);
  const done = await waitFor('catalog to be available', available('catalog'));
  expect(done.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
  expect(condition(done, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
  const [replicaSet] = emulator.store.list('apps/v1', 'ReplicaSet', 'default').filter((rs) => rs.metadata.labels?.app === 'catalog');
  const hash = replicaSet.metadata.labels!['pod-template-hash'];
  expect(replicaSet.metadata).toMatchObject({ name: `catalog-${hash}`, ownerReferences: [{ kind: 'Deployment', name: 'catalog', uid: done.metadata.uid, controller: true }] });
  expect(replicaSet.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
  const pods = podsOf('catalog');
  expect(pods).toHaveLength(3);
  for (const pod of pods) {
    expect(pod.metadata.name).toMatch(new RegExp(`^catalog-${hash}-[a-z0-9]{5}$`));
    expect(pod.status).toMatchObject({ phase: 'Running', podIP: '127.0.0.1' });
    const answer = await httpGet(emulator.podUrl('default', pod.metadata.name!)!);
    expect(answer).toMatchObject({ status: 200, body: '2.0.1\n' });
  }
});

test('a rolling update makes a new ReplicaSet, then empties the old one', async () => {
  const next = deploymentManifest('catalog', 'registry.local/catalog:2.1.0', { replicas: 3 });
  const live = deployment('catalog');
  emulator.store.put({ ...live, spec: { ...live.spec, template: next.spec.template } });
  const done = await waitFor('the update to finish', () => {
    const d = available('catalog')();
    return d && d.status.observedGeneration === d.metadata.generation && d.status.replicas === 3 ? d : undefined;
  });
  expect(done.metadata.generation).toBe(2);
  const sets = emulator.store.list('apps/v1', 'ReplicaSet', 'default').filter((rs) => rs.metadata.labels?.app === 'catalog');
  expect(sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec.replicas]).sort()).toEqual([['1', 0], ['2', 3]]);
  await waitFor('old pods to go', () => (podsOf('catalog').length === 3 ? true : undefined));
  const service = emulator.store.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'catalog', namespace: 'default' }, spec: { selector: { app: 'catalog' }, ports: [{ port: 80 }] } });
  expect(service.spec.clusterIP).toMatch(/^10\.96\./);
  expect((await httpGet(await emulator.serviceUrl('default', 'catalog'))).body).toBe('2.1.0\n');
});

test('a never-ready image ends in ProgressDeadlineExceeded; healing the image completes the rollout', async () => {
  emulator.store.put(deploymentManifest('stuck', 'registry.local/stuck:1', { replicas: 2, progressDeadlineSeconds: 5 }) as KubeObject);
  const exceeded = await waitFor('the deadline', () => (condition(deployment('stuck'), 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? deployment('stuck') : undefined));
  expect(condition(exceeded, 'Progressing')).toMatchObject({ status: 'False', message: expect.stringMatching(/^ReplicaSet "stuck-\w+" has timed out progressing\.$/) });
  expect(exceeded.status).toMatchObject({ replicas: 2, updatedReplicas: 2, unavailableReplicas: 2 });
  expect(exceeded.status.availableReplicas).toBeUndefined();
  emulator.store.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'stuck', namespace: 'default' }, spec: { selector: { app: 'stuck' }, ports: [{ port: 80 }] } });
  const endpoints = await waitFor('endpoints', () => emulator.store.get('v1', 'Endpoints', 'default', 'stuck')?.subsets as { notReadyAddresses?: unknown[] }[] | undefined);
  expect(endpoints.flatMap((s) => s.notReadyAddresses ?? [])).toHaveLength(2);
  const proxied = await api('GET', '/api/v1/namespaces/default/services/stuck/proxy/');
  expect(proxied).toMatchObject({ status: 503, body: { reason: 'ServiceUnavailable', message: 'no endpoints available for service "stuck"' } });
  await expect(httpGet(await emulator.serviceUrl('default', 'stuck'))).rejects.toThrow();

  emulator.setImageMode('stuck:', 'ok');
  await waitFor('stuck to recover', available('stuck'));
});

test('crash-looping, unhealthy and slow images', async () => {
  emulator.store.put(deploymentManifest('crashy', 'registry.local/crashy:1', { replicas: 1 }) as KubeObject);
  emulator.store.put(deploymentManifest('sick', 'registry.local/sick:1', { replicas: 1 }) as KubeObject);
  emulator.store.put(deploymentManifest('sick-probed', 'registry.local/sick:1', { replicas: 1, readinessProbe: true }) as KubeObject);
  const started = Date.now();
  emulator.store.put(deploymentManifest('sluggish', 'registry.local/sluggish:1', { replicas: 1 }) as KubeObject);
  const crashing = await waitFor('a crash loop', () => podsOf('crashy').find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'));
  expect(crashing.status.containerStatuses[0]).toMatchObject({ ready: false, lastState: { terminated: { exitCode: 1 } } });
  await waitFor('restarts', () => (podsOf('crashy')[0].status.containerStatuses[0].restartCount >= 2 ? true : undefined), 3000);

  // Unhealthy without a readiness probe is ready but fails /healthz; with the probe it never gets ready.
  await waitFor('sick to be available', available('sick'));
  const sickPod = podsOf('sick')[0];
  expect(await httpGet(`${emulator.podUrl('default', sickPod.metadata.name!)}/healthz`)).toMatchObject({ status: 500 });
  expect(await httpGet(emulator.podUrl('default', sickPod.metadata.name!)!)).toMatchObject({ status: 200, body: '1\n' });
  await waitFor('the probed pod to run', () => (podsOf('sick-probed')[0]?.status?.phase === 'Running' ? true : undefined));
  await emulator.settle();
  expect(deployment('sick-probed').status.readyReplicas).toBeUndefined();

  await waitFor('sluggish to be available', available('sluggish'));
  expect(Date.now() - started).toBeGreaterThanOrEqual(40);
});

test('faults: the next N matching requests fail with 500, 409 or 429; a watch is cut mid-stream or gets a 410 ERROR event; reset; hang', async () => {
  emulator.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flaky', namespace: 'default' }, data: {} });
  const path = '/api/v1/namespaces/default/configmaps/flaky';
  const handle = emulator.injectFault({ verb: 'get', path: '/configmaps/flaky', status: 500, count: 2 });
  expect(await api('GET', path)).toMatchObject({ status: 500, body: { kind: 'Status', reason: 'InternalError', code: 500 } });
  expect(handle.remaining).toBe(1);
  expect((await api('GET', path)).status).toBe(500);
  expect((await api('GET', path)).status).toBe(200);
  emulator.injectFault({ verb: 'PUT', path: '/configmaps/', status: 409 });
  expect((await api('PUT', path, { metadata: { name: 'flaky' } })).body).toMatchObject({ reason: 'Conflict', code: 409 });
  emulator.injectFault({ verb: 'list', status: 429, retryAfterSeconds: 2 });
  const throttled = await api('GET', '/api/v1/namespaces/default/configmaps');
  expect(throttled).toMatchObject({ status: 429, body: { reason: 'TooManyRequests', details: { retryAfterSeconds: 2 } } });
  expect(throttled.headers.get('retry-after')).toBe('2');

  emulator.injectFault({ verb: 'watch', path: '/configmaps', dropWatchAfterEvents: 1 });
  const response = await fetch(`${emulator.url}/api/v1/namespaces/default/configmaps?watch=true`);
  await expect(response.text()).rejects.toThrow();
  expect(emulator.requests.filter((r) => r.verb === 'watch').length).toBeGreaterThan(0);

  emulator.store.compact();
  const gone = await fetch(`${emulator.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1`);
  expect(gone.status).toBe(200);
  expect(JSON.parse(await gone.text())).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'Expired', code: 410 } });

  emulator.injectFault({ verb: 'watch', path: '/configmaps', watchGone: true });
  const injected = await fetch(`${emulator.url}/api/v1/namespaces/default/configmaps?watch=true`);
  expect(injected.status).toBe(200);
  expect(JSON.parse(await injected.text())).toMatchObject({ type: 'ERROR', object: { code: 410 } });
  emulator.injectFault({ verb: 'list', path: '/configmaps', network: 'reset' });
  await expect(fetch(`${emulator.url}/api/v1/namespaces/default/configmaps`)).rejects.toThrow();
  emulator.injectFault({ verb: 'list', path: '/configmaps', network: 'hang' });
  await expect(fetch(`${emulator.url}/api/v1/namespaces/default/configmaps`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/timeout|abort/i);
  expect((await api('GET', '/api/v1/namespaces/default/configmaps')).status).toBe(200);
});
