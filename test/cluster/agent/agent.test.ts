/**
 * The node agent against the real control plane (kube-apiserver, kube-controller-manager,
 * kube-scheduler and etcd built from source): the scheduler binds pods to the agent's Node, the
 * Deployment and Job controllers count on the status it reports, the EndpointSlice controller
 * lists its pods' addresses, and its Service ports follow those EndpointSlices. Needs root,
 * iproute2 and the built binaries (see test/cluster/README.md).
 */
import { jest } from '@jest/globals';
import { httpGet } from '../../kube/helpers.js';
import type { KubeObject } from '../../servers/kube/types.js';
import type { PodNetwork } from '../network/index.js';
import type { NodeAgent } from './index.js';
import { Informer } from './informer.js';
import { createKubeClient, type KubeClient } from './kube-client.js';
import { kubeTargets } from '../target.js';
import { startAgentTestCluster, type AgentTestCluster } from './test-cluster.js';

jest.setTimeout(120_000);

const NAMESPACE = 'agent-test';
let cluster: AgentTestCluster;
let network: PodNetwork;
let agent: NodeAgent;
let client: KubeClient;
let nodeName: string;
let firstRenewTime: string;
const logs: string[] = [];

/** Resolves with the first object of the collection (with query) that satisfies `predicate`, watching, never polling. */
async function waitFor(path: string, query: { fieldSelector?: string; labelSelector?: string }, what: string, predicate: (objects: KubeObject[]) => boolean, timeoutMs = 60_000): Promise<KubeObject[]> {
  let done: (objects: KubeObject[]) => void = () => undefined;
  const reached = new Promise<KubeObject[]>((resolve) => (done = resolve));
  const informer: Informer = new Informer(client, { path, ...query }, () => {
    if (predicate(informer.items())) done(informer.items());
  });
  await informer.start();
  if (predicate(informer.items())) done(informer.items());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(informer.items().map((o) => o.status))}`)), timeoutMs)));
  try {
    return await Promise.race([reached, timeout]);
  } finally {
    clearTimeout(timer);
    await informer.stop();
  }
}

/** Watches for `windowMs` and fails if `predicate` ever holds: "stays unready" as an observation, not a sleep-then-look. */
async function never(path: string, query: { fieldSelector?: string; labelSelector?: string }, predicate: (objects: KubeObject[]) => boolean, windowMs: number): Promise<void> {
  let seen: KubeObject[] | undefined;
  const informer: Informer = new Informer(client, { path, ...query }, () => {
    if (predicate(informer.items())) seen ??= informer.items();
  });
  await informer.start();
  if (predicate(informer.items())) seen = informer.items();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  await informer.stop();
  expect(seen).toBeUndefined();
}

/** A GET on a fresh connection: status, body and the answering pod. */
async function fetchPod(url: string): Promise<{ status: number; body: string; pod: string }> {
  const answer = await httpGet(url);
  return { status: answer.status, body: answer.body, pod: String(answer.headers['x-pod-name']) };
}

// `object` is undefined while the informer has not yet seen any (the pods of a Deployment made a moment ago).
const condition = (object: KubeObject | undefined, type: string) => (object?.status?.conditions as { type: string; status: string }[] | undefined)?.find((c) => c.type === type)?.status;

function deployment(name: string, image: string, labels: Record<string, string>, replicas = 2): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'app',
              image,
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
            },
          ],
        },
      },
    },
  };
}

function service(name: string, selector: Record<string, string> | undefined): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE },
    spec: { ...(selector ? { selector } : {}), ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

const podsPath = `/api/v1/namespaces/${NAMESPACE}/pods`;
const slicesPath = `/apis/discovery.k8s.io/v1/namespaces/${NAMESPACE}/endpointslices`;

// The real tier can be left out (SUNDAY_KUBE_TARGETS=emulator), as for the suites on both targets.
const describeOnCluster = kubeTargets().includes('cluster') ? describe : describe.skip;

describeOnCluster('the node agent on the real control plane', () => {
  beforeAll(async () => {
    cluster = await startAgentTestCluster({ 'web:never': 'never-ready', 'web:every4th': 'errors:4', 'web:late': 'latency:150' });
    ({ agent, network } = cluster);
    nodeName = agent.nodeName;
    client = await createKubeClient(cluster.kubeconfig);
    await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    // The service account controller makes `default` in a new namespace; pods cannot be created before it.
    await waitFor(`/api/v1/namespaces/${NAMESPACE}/serviceaccounts`, {}, 'the default service account', (items) => items.some((sa) => sa.metadata.name === 'default'));
  });

  afterAll(async () => {
    if (logs.length) console.log(logs.join('\n'));
    await client?.close();
    await cluster?.stop();
  });

  test('the node registers Ready and renews its Lease in kube-node-lease', async () => {
    // Admission taints a new Node not-ready; the node lifecycle controller lifts it once it sees it Ready.
    const [node] = await waitFor('/api/v1/nodes', { fieldSelector: `metadata.name=${nodeName}` }, 'node untainted', ([n]) => n !== undefined && (n.spec.taints ?? []).length === 0);
    expect(condition(node, 'Ready')).toBe('True');
    expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: network.hostAddress });
    const lease = await client.get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${nodeName}`);
    expect(lease.spec).toMatchObject({ holderIdentity: nodeName });
    expect(Date.now() - Date.parse(lease.spec.renewTime)).toBeLessThan(15_000);
    firstRenewTime = lease.spec.renewTime;
  });

  test('a Deployment rolls out and becomes available; its pods serve on their own addresses, through the API server proxy too', async () => {
    await client.create(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deployment('web', 'registry.local/web:v1', { app: 'web' }));
    await client.create(`/api/v1/namespaces/${NAMESPACE}/services`, service('web', { app: 'web' }));
    const [rolled] = await waitFor(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, { fieldSelector: 'metadata.name=web' }, 'web available', ([d]) => d?.status?.availableReplicas === 2 && condition(d, 'Available') === 'True');
    expect(rolled.status).toMatchObject({ readyReplicas: 2, updatedReplicas: 2 });

    const pods = (await client.get<{ items: KubeObject[] }>(`${podsPath}?labelSelector=app%3Dweb`)).items;
    expect(pods).toHaveLength(2);
    const prefix = network.podCidr.replace('0/24', '');
    for (const pod of pods) {
      expect(pod.spec.nodeName).toBe(nodeName);
      expect(pod.status).toMatchObject({ phase: 'Running', hostIP: network.hostAddress, podIPs: [{ ip: pod.status.podIP }] });
      expect(pod.status.podIP.startsWith(prefix)).toBe(true);
      expect([condition(pod, 'Ready'), condition(pod, 'ContainersReady')]).toEqual(['True', 'True']);
      expect(pod.status.containerStatuses[0]).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, state: { running: {} } });
      expect(await fetchPod(`http://${pod.status.podIP}:8080/`)).toEqual({ status: 200, body: 'v1\n', pod: pod.metadata.name });
    }
    expect(new Set(pods.map((p) => p.status.podIP)).size).toBe(2);

    // The API server's service proxy reaches a pod by the address in the Service's endpoints.
    await waitFor(slicesPath, { labelSelector: 'kubernetes.io/service-name=web' }, 'web endpoints', (slices) => slices.flatMap((s) => (s.endpoints as unknown[]) ?? []).length === 2);
    expect(await client.getText(`/api/v1/namespaces/${NAMESPACE}/services/web:http/proxy/`)).toEqual({ status: 200, body: 'v1\n' });

    // The agent's watch may trail the API server: round-robin is judged once its own view has both.
    await agent.untilBackends(NAMESPACE, 'web', 2);
    const url = await agent.serviceUrl(NAMESPACE, 'web');
    const answers = await Promise.all([1, 2, 3, 4].map(() => fetchPod(url)));
    expect(answers.map((a) => a.body)).toEqual(['v1\n', 'v1\n', 'v1\n', 'v1\n']);
    expect(new Set(answers.map((a) => a.pod)).size).toBe(2);
  });

  test('pods export /metrics; the deterministic faults errors:<N> and latency:<ms> hold on their own addresses', async () => {
    for (const [name, image] of [['every4th', 'registry.local/web:every4th'], ['late', 'registry.local/web:late']]) {
      const object = deployment(name, image, { app: name }, 1);
      // A probe is a request too: it would take its turn in errors:<N>.
      delete object.spec.template.spec.containers[0].readinessProbe;
      await client.create(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, object);
    }
    const [failing] = await waitFor(podsPath, { labelSelector: 'app=every4th' }, 'every4th ready', ([p]) => condition(p, 'Ready') === 'True');
    const [late] = await waitFor(podsPath, { labelSelector: 'app=late' }, 'late ready', ([p]) => condition(p, 'Ready') === 'True');

    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetchPod(`http://${failing.status.podIP}:8080/`)).status);
    expect(statuses).toEqual([200, 200, 200, 500, 200, 200, 200, 500]);
    const metrics = await httpGet(`http://${failing.status.podIP}:8080/metrics`);
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('http_requests_total{code="200",method="GET"} 6\n');
    expect(metrics.body).toContain('http_requests_total{code="500",method="GET"} 2\n');
    expect(metrics.body).toContain('http_request_duration_seconds_count 8\n');

    const started = performance.now();
    expect((await fetchPod(`http://${late.status.podIP}:8080/`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    const lateMetrics = (await httpGet(`http://${late.status.podIP}:8080/metrics`)).body;
    // Its one answer took 150 ms or more: above the 0.1 s bucket, within the 0.25 s one.
    expect(lateMetrics).toContain('http_request_duration_seconds_bucket{le="0.1"} 0\n');
    expect(lateMetrics).toContain('http_request_duration_seconds_bucket{le="0.25"} 1\n');
  });

  test('a never-ready image runs but stays unready (its probe fails), and gets ready once healed', async () => {
    await client.create(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deployment('stuck', 'registry.local/web:never', { app: 'stuck' }, 1));
    const query = { labelSelector: 'app=stuck' };
    const [pod] = await waitFor(podsPath, query, 'stuck pod running', ([p]) => p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.started === true);
    expect((await fetchPod(`http://${pod.status.podIP}:8080/healthz`)).status).toBe(503);
    // Three probe periods, each of which would make it ready (failureThreshold 1, successThreshold 1) if the probe passed.
    await never(podsPath, query, ([p]) => condition(p, 'Ready') === 'True', 3500);
    const [stuck] = (await client.get<{ items: KubeObject[] }>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments?fieldSelector=metadata.name%3Dstuck`)).items;
    expect(stuck.status.availableReplicas ?? 0).toBe(0);

    agent.setImageMode('web:never', 'ok');
    await waitFor(podsPath, query, 'stuck pod ready after healing', ([p]) => condition(p, 'Ready') === 'True');
  });

  test('a crash-looping image never serves: CrashLoopBackOff with a rising restart count; healed, it runs and keeps the count', async () => {
    agent.setImageMode('web:crash', 'crash-loop');
    await client.create(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deployment('crashy', 'registry.local/web:crash', { app: 'crashy' }, 1));
    const query = { labelSelector: 'app=crashy' };
    const restarts = (p: KubeObject | undefined) => (p?.status?.containerStatuses?.[0]?.restartCount as number | undefined) ?? 0;
    const [pod] = await waitFor(podsPath, query, 'restartCount 2', ([p]) => restarts(p) >= 2);
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.containerStatuses[0]).toMatchObject({ ready: false, started: false, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } });
    expect(condition(pod, 'Ready')).toBe('False');
    await expect(fetchPod(`http://${pod.status.podIP}:8080/`)).rejects.toThrow(/ECONNREFUSED/);

    agent.setImageMode('web:crash', 'ok');
    const [healed] = await waitFor(podsPath, query, 'crashy ready', ([p]) => condition(p, 'Ready') === 'True');
    expect(restarts(healed)).toBeGreaterThanOrEqual(2);
    expect((await fetchPod(`http://${healed.status.podIP}:8080/`)).body).toBe('crash\n');
  });

  test('a Job runs its pod to Succeeded and completes; a failing image fails its Job', async () => {
    const job = (name: string, image: string): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: NAMESPACE },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'task', image }] } } },
    });
    agent.setImageMode('migrate:broken', 'unhealthy');
    await client.create(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs`, job('migrate', 'registry.local/migrate:v1'));
    await client.create(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs`, job('migrate-broken', 'registry.local/migrate:broken'));
    const jobs = `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`;
    const [done] = await waitFor(jobs, { fieldSelector: 'metadata.name=migrate' }, 'job complete', ([j]) => condition(j, 'Complete') === 'True');
    expect(done.status.succeeded).toBe(1);
    const [failed] = await waitFor(jobs, { fieldSelector: 'metadata.name=migrate-broken' }, 'job failed', ([j]) => condition(j, 'Failed') === 'True');
    expect(failed.status.failed).toBe(1);
    const pods = (await client.get<{ items: KubeObject[] }>(`${podsPath}?labelSelector=job-name%3Dmigrate`)).items;
    expect(pods[0].status).toMatchObject({ phase: 'Succeeded' });
    expect(pods[0].status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  test('deleting a pod stops its server at once and removes it well before its 30 s grace period', async () => {
    const [victim] = (await client.get<{ items: KubeObject[] }>(`${podsPath}?labelSelector=app%3Dweb`)).items;
    const address = `http://${victim.status.podIP}:8080/`;
    expect((await fetchPod(address)).status).toBe(200);
    const started = Date.now();
    await client.delete(`${podsPath}/${victim.metadata.name}`);
    await waitFor(podsPath, { fieldSelector: `metadata.name=${victim.metadata.name}` }, 'pod gone', (items) => items.length === 0, 20_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    await expect(fetchPod(address)).rejects.toThrow(/ECONNREFUSED|EHOSTUNREACH|timeout/);
    // The ReplicaSet replaces it, and the Deployment is whole again.
    await waitFor(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, { fieldSelector: 'metadata.name=web' }, 'web whole again', ([d]) => d?.status?.availableReplicas === 2);
  });

  test('the Lease has been renewed meanwhile (every 10 s)', async () => {
    const leases = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    await waitFor(leases, { fieldSelector: `metadata.name=${nodeName}` }, 'a lease renewal', ([lease]) => lease !== undefined && lease.spec.renewTime !== firstRenewTime, 15_000);
  });

  describe('Service traffic follows EndpointSlices, not selectors', () => {
    beforeAll(async () => {
      await client.create(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deployment('blue', 'registry.local/app:blue', { app: 'app', color: 'blue' }, 1));
      await client.create(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deployment('green', 'registry.local/app:green', { app: 'app', color: 'green' }, 1));
      for (const name of ['blue', 'green']) {
        await waitFor(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, { fieldSelector: `metadata.name=${name}` }, `${name} available`, ([d]) => d?.status?.availableReplicas === 1);
      }
    });

    const podOf = async (color: string) => (await client.get<{ items: KubeObject[] }>(`${podsPath}?labelSelector=color%3D${color}`)).items[0];
    const answersOf = async (url: string, count: number) => {
      const bodies: string[] = [];
      for (let i = 0; i < count; i++) bodies.push((await fetchPod(url)).body.trim());
      return bodies;
    };

    test('a Service without a selector routes to the endpoints of a hand-made EndpointSlice, and moves when the slice changes', async () => {
      const [blue, green] = [await podOf('blue'), await podOf('green')];
      await client.create(`/api/v1/namespaces/${NAMESPACE}/services`, service('manual', undefined));
      const slice = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'manual-1', namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': 'manual', 'endpointslice.kubernetes.io/managed-by': 'sunday-tests' } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [{ addresses: [green.status.podIP], conditions: { ready: true } }],
      };
      await client.create(slicesPath, slice);
      const url = await agent.serviceUrl(NAMESPACE, 'manual', 80);
      // The agent's watch brings the slice a moment later; until then the port refuses (no endpoints).
      await waitForAnswer(url, 'green');
      expect(await answersOf(url, 4)).toEqual(['green', 'green', 'green', 'green']);

      await client.patch(`${slicesPath}/manual-1`, { endpoints: [{ addresses: [blue.status.podIP], conditions: { ready: true } }] });
      await waitForAnswer(url, 'blue');
      expect(await answersOf(url, 4)).toEqual(['blue', 'blue', 'blue', 'blue']);

      // An endpoint marked not ready gets no new connections.
      await client.patch(`${slicesPath}/manual-1`, { endpoints: [{ addresses: [blue.status.podIP], conditions: { ready: false } }, { addresses: [green.status.podIP], conditions: { ready: true } }] });
      await waitForAnswer(url, 'green');
      expect(await answersOf(url, 4)).toEqual(['green', 'green', 'green', 'green']);
    });

    test('after a selector change, traffic moves when the EndpointSlice controller has moved the endpoints', async () => {
      const [blue, green] = [await podOf('blue'), await podOf('green')];
      await client.create(`/api/v1/namespaces/${NAMESPACE}/services`, service('switch', { app: 'app', color: 'blue' }));
      const sliceQuery = { labelSelector: 'kubernetes.io/service-name=switch' };
      const readyAddresses = (slices: KubeObject[]) =>
        slices
          .flatMap((s) => (s.endpoints as { addresses: string[]; conditions?: { ready?: boolean } }[] | null) ?? [])
          .filter((e) => e.conditions?.ready !== false)
          .map((e) => e.addresses[0])
          .sort();
      await waitFor(slicesPath, sliceQuery, 'slices list blue', (slices) => readyAddresses(slices).join() === blue.status.podIP);
      const url = await agent.serviceUrl(NAMESPACE, 'switch');
      await waitForAnswer(url, 'blue');
      // Green is ready and serving, but not in the slices: it gets nothing.
      expect(await answersOf(url, 6)).toEqual(Array(6).fill('blue'));

      const switched = Date.now();
      await client.patch(`/api/v1/namespaces/${NAMESPACE}/services/switch`, { spec: { selector: { app: 'app', color: 'green' } } });
      await waitFor(slicesPath, sliceQuery, 'slices list green', (slices) => readyAddresses(slices).join() === green.status.podIP);
      const moved = await waitForAnswer(url, 'green');
      logs.push(`selector change → first answer from green after ${moved - switched} ms`);
      expect(await answersOf(url, 6)).toEqual(Array(6).fill('green'));
    });
  });
});

/** Sends fresh requests (each a new connection) until one is answered by `body`; returns when. Connection resets count as "not yet". */
async function waitForAnswer(url: string, body: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await fetchPod(url).catch(() => undefined);
    if (answer?.body.trim() === body) return Date.now();
    if (Date.now() > deadline) throw new Error(`no answer ${body} from ${url} within ${timeoutMs} ms (last: ${answer?.body})`);
    // Each new connection is routed afresh; a short pause keeps this from hogging a busy machine.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
