/** The node agent's pure parts: what it reads from a pod spec, how it counts probes, what status it reports, where it routes. */
import type { KubeObject } from '../../servers/kube/types.js';
import { microTime, nodeConditions } from './node.js';
import { Readiness, listenPorts, podStatus, preStopSleepMs, readinessProbeOf, runsToCompletion } from './pod-status.js';
import { readyBackends } from './service-proxy.js';

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', uid: 'u1' }, spec, status };
}

const web = pod({
  containers: [
    {
      name: 'app',
      image: 'registry/web:v2',
      ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9000, protocol: 'UDP' }],
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 2 },
    },
  ],
});

describe('pod spec', () => {
  test('the readiness probe with the API defaults; a named port resolves through the container ports', () => {
    expect(readinessProbeOf(web)).toEqual({ path: '/healthz', port: 8080, initialDelayMs: 0, periodMs: 2000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 2 });
    expect(readinessProbeOf(web, 10)?.periodMs).toBe(20);
    expect(readinessProbeOf(pod({ containers: [{ name: 'a', image: 'x' }] }))).toBeUndefined();
    expect(readinessProbeOf(pod({ containers: [{ name: 'a', image: 'x', readinessProbe: { httpGet: { port: 'nope' } } }] }))?.port).toBe(0);
  });

  test('the server listens on TCP container ports and the probe port; 80 when the spec names none', () => {
    expect(listenPorts(web)).toEqual([8080]);
    expect(listenPorts(pod({ containers: [{ name: 'a', image: 'x', readinessProbe: { httpGet: { port: 3000 } } }] }))).toEqual([3000]);
    expect(listenPorts(pod({ containers: [{ name: 'a', image: 'x' }] }))).toEqual([80]);
  });

  test('Job pods run to completion, Deployment pods do not', () => {
    expect(runsToCompletion(pod({ restartPolicy: 'Never', containers: [] }))).toBe(true);
    expect(runsToCompletion(pod({ restartPolicy: 'OnFailure', containers: [] }))).toBe(true);
    expect(runsToCompletion(pod({ containers: [] }))).toBe(false);
  });
});

describe('readiness thresholds', () => {
  test.each([
    { success: 1, failure: 3, results: [true], ready: [true] },
    { success: 2, failure: 3, results: [true, false, true, true], ready: [false, false, false, true] },
    { success: 1, failure: 2, results: [true, false, true, false, false], ready: [true, true, true, true, false] },
    { success: 1, failure: 1, results: [false, true, false], ready: [false, true, false] },
  ])('success $success, failure $failure: $results → $ready', ({ success, failure, results, ready }) => {
    const readiness = new Readiness(success, failure);
    expect(results.map((passed) => (readiness.observe(passed), readiness.ready))).toEqual(ready);
  });
});

describe('pod status', () => {
  const addresses = { hostIP: '10.213.0.1', podIP: '10.213.0.10', startTime: '2026-01-01T00:00:00Z' };
  const condition = (status: Record<string, unknown>, type: string) => (status.conditions as { type: string; status: string }[]).find((c) => c.type === type)?.status;
  const container = (status: Record<string, unknown>) => (status.containerStatuses as Record<string, unknown>[])[0];

  test('running and ready: Running, Ready and ContainersReady True, both addresses in both forms', () => {
    const status = podStatus(web, { stage: 'running', startedAt: '2026-01-01T00:00:01Z', ready: true }, addresses);
    expect(status).toMatchObject({ phase: 'Running', podIP: '10.213.0.10', podIPs: [{ ip: '10.213.0.10' }], hostIP: '10.213.0.1', hostIPs: [{ ip: '10.213.0.1' }], startTime: addresses.startTime });
    expect([condition(status, 'Ready'), condition(status, 'ContainersReady')]).toEqual(['True', 'True']);
    expect(container(status)).toMatchObject({ name: 'app', image: 'registry/web:v2', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:01Z' } } });
  });

  test('creating: Pending, not ready, ContainerCreating', () => {
    const status = podStatus(web, { stage: 'creating' }, { ...addresses, podIP: undefined });
    expect(status).toMatchObject({ phase: 'Pending' });
    expect(status.podIP).toBeUndefined();
    expect(condition(status, 'Ready')).toBe('False');
    expect(container(status)).toMatchObject({ ready: false, started: false, state: { waiting: { reason: 'ContainerCreating' } } });
  });

  test('crash-looping: Running phase, CrashLoopBackOff, the restart count and the last termination', () => {
    const status = podStatus(web, { stage: 'crashing', restarts: 3 }, addresses);
    expect(status.phase).toBe('Running');
    expect(container(status)).toMatchObject({ ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } });
  });

  test('a finished Job pod: Succeeded with exit 0, or Failed with exit 1', () => {
    const ok = podStatus(web, { stage: 'terminated', outcome: 'Succeeded', finishedAt: '2026-01-01T00:00:02Z' }, addresses);
    expect(ok.phase).toBe('Succeeded');
    expect(container(ok)).toMatchObject({ state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    const failed = podStatus(web, { stage: 'terminated', outcome: 'Failed', finishedAt: '2026-01-01T00:00:02Z' }, addresses);
    expect(failed.phase).toBe('Failed');
    expect(container(failed)).toMatchObject({ state: { terminated: { exitCode: 1, reason: 'Error' } } });
  });

  test('conditions keep their transition time while their status stays', () => {
    const first = podStatus(web, { stage: 'running', startedAt: 'x', ready: true }, addresses);
    const before = (first.conditions as { type: string; lastTransitionTime: string }[]).find((c) => c.type === 'Ready')!;
    const again = podStatus(pod(web.spec, { conditions: [{ ...before, lastTransitionTime: '2000-01-01T00:00:00Z' }] }), { stage: 'running', startedAt: 'x', ready: true }, addresses);
    expect((again.conditions as { type: string; lastTransitionTime: string }[]).find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2000-01-01T00:00:00Z');
  });
});

describe('node', () => {
  test('Ready with heartbeats; lease times carry microseconds', () => {
    const conditions = nodeConditions(new Date('2026-01-01T00:00:00.123Z'));
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2026-01-01T00:00:00Z' });
    expect(microTime(new Date('2026-01-01T00:00:00.123Z'))).toBe('2026-01-01T00:00:00.123000Z');
  });
});

describe('service routing from EndpointSlices', () => {
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'prod' },
    spec: { selector: { app: 'web', color: 'green' }, ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 9000 }] },
  };
  const slice = (name: string, namespace: string, service: string, ports: unknown[], endpoints: unknown[], addressType = 'IPv4'): KubeObject => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType,
    ports,
    endpoints,
  });
  const slices = [
    slice('web-a', 'prod', 'web', [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'admin', port: 9090, protocol: 'TCP' }], [
      { addresses: ['10.213.0.11'], conditions: { ready: true } },
      { addresses: ['10.213.0.12'], conditions: { ready: false, serving: true, terminating: true } },
      { addresses: ['10.213.0.13'], conditions: {} },
    ]),
    slice('web-b', 'prod', 'web', [{ name: 'http', port: 8080 }], [{ addresses: ['10.213.0.14'], conditions: { ready: true } }]),
    slice('web-c', 'staging', 'web', [{ name: 'http', port: 8080 }], [{ addresses: ['10.213.0.15'], conditions: { ready: true } }]),
    slice('other', 'prod', 'other', [{ name: 'http', port: 8080 }], [{ addresses: ['10.213.0.16'], conditions: { ready: true } }]),
    slice('web-v6', 'prod', 'web', [{ name: 'http', port: 8080 }], [{ addresses: ['fd00::1'], conditions: { ready: true } }], 'IPv6'),
  ];

  test('ready (or unknown) endpoints of the Service’s own slices, with the target port of the named port', () => {
    expect(readyBackends(service, 80, slices)).toEqual([
      { host: '10.213.0.11', port: 8080 },
      { host: '10.213.0.13', port: 8080 },
      { host: '10.213.0.14', port: 8080 },
    ]);
    expect(readyBackends(service, 9000, slices)).toEqual([
      { host: '10.213.0.11', port: 9090 },
      { host: '10.213.0.13', port: 9090 },
    ]);
  });

  test('a port the Service does not have, or no slices, routes nowhere', () => {
    expect(readyBackends(service, 81, slices)).toEqual([]);
    expect(readyBackends(service, 80, [])).toEqual([]);
  });
});

test.each([
  ['no lifecycle: stops at once', {}, 0],
  ['preStop sleep 2 s', { lifecycle: { preStop: { sleep: { seconds: 2 } } } }, 2000],
  ['bounded by the grace period', { lifecycle: { preStop: { sleep: { seconds: 20 } } }, grace: 5 }, 5000],
  ['an exec hook is not a sleep', { lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } } }, 0],
])('a deleted pod serves for its preStop sleep: %s', (_name, { grace, ...container }: Record<string, unknown>, ms) => {
  const spec = { containers: [{ name: 'app', image: 'web:v1', ...container }], ...(grace === undefined ? {} : { terminationGracePeriodSeconds: grace }) };
  expect(preStopSleepMs(pod(spec), 1000)).toBe(ms);
});
