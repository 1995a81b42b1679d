/**
 * The API over plain HTTPS requests, on both Kubernetes targets (test/cluster/target.ts) with the
 * same assertions: server-side apply with field managers, Jobs run to completion, to their backoff
 * limit and to their deadline, and garbage collection with propagationPolicy Orphan. (The
 * emulator's own control-loop steps stay in controller.test.ts.) `SUNDAY_KUBE_TARGETS=emulator`
 * runs the emulator's half alone.
 */
import { jest } from '@jest/globals';
import { request, type RequestOptions } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { kubeTargets, startTarget, type KubeTarget } from '../cluster/target.js';
import type { ImageMode } from '../servers/kube/types.js';
import { deploymentManifest, waitFor } from './helpers.js';

// The real tier's first test may wait for the shared cluster's start-up (or, on a fresh machine, its build).
jest.setTimeout(180_000);

/** Images only this suite uses, so their fault modes touch no other suite on the shared cluster. */
const FAILING_IMAGE = 'registry.local/api-suite-failing:1';
const HUNG_IMAGE = 'registry.local/api-suite-hung:1';
const FAULT_IMAGES: Record<string, ImageMode> = { [FAILING_IMAGE]: 'crash-loop', [HUNG_IMAGE]: 'never-ready' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes JSON, checked by the assertions
type Answer = { status: number; body: any };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes JSON
type Condition = { type: string; status: string; reason?: string; message?: string; [key: string]: any };

describe.each(kubeTargets())('the API on the %s', (kind) => {
  let target: KubeTarget;
  let ns: string;
  let options: RequestOptions;

  const api = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      // Node frames no body of a DELETE by itself (no chunked encoding for it): say its length.
      const headers = { ...(options.headers ?? {}), 'content-type': contentType, accept: 'application/json', ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}) };
      const call = request(`${target.url}${path}`, { ...options, method, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      call.on('error', reject);
      call.end(payload);
    });
  const condition = (object: { status?: { conditions?: Condition[] } } | undefined, type: string) => object?.status?.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    target = await startTarget(kind, { pace: 0, secondMs: 50, faultImages: FAULT_IMAGES });
    if (kind === 'cluster') for (const [image, mode] of Object.entries(FAULT_IMAGES)) await target.setImageMode(image, mode);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(target.kubeconfig);
    options = {};
    await kc.applyToHTTPSOptions(options);
    ns = target.namespace('api');
    expect((await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status).toBe(201);
  });

  afterAll(() => target?.cleanup());

  test('server-side apply: create, conflict with another manager, force, fields that go when unapplied, dry run', async () => {
    const path = `/api/v1/namespaces/${ns}/configmaps/settings`;
    const applied = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data });
    const first = await api('PATCH', `${path}?fieldManager=alice`, applied({ a: '1', b: '2' }), 'application/apply-patch+yaml');
    expect(first.status).toBe(201);
    await api('PATCH', `${path}?fieldManager=bob`, { data: { b: '3' } }, 'application/merge-patch+json');
    const conflict = await api('PATCH', `${path}?fieldManager=alice`, applied({ a: '1', b: '2' }), 'application/apply-patch+yaml');
    expect(conflict).toMatchObject({ status: 409, body: { reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "bob" using v1: .data.b', details: { causes: [{ reason: 'FieldManagerConflict', field: '.data.b' }] } } });
    const forced = await api('PATCH', `${path}?fieldManager=alice&force=true`, applied({ a: '1', b: '2' }), 'application/apply-patch+yaml');
    expect(forced.body.data).toEqual({ a: '1', b: '2' });
    // alice stops applying a: it goes, as nobody else owns it.
    const shrunk = await api('PATCH', `${path}?fieldManager=alice`, applied({ b: '2' }), 'application/apply-patch+yaml');
    expect(shrunk.body.data).toEqual({ b: '2' });
    const dryRun = await api('PATCH', `${path}?fieldManager=alice&dryRun=All`, applied({ b: '9' }), 'application/apply-patch+yaml');
    expect(dryRun.body.data).toEqual({ b: '9' });
    expect((await api('GET', path)).body.data).toEqual({ b: '2' });
  });

  test('a Job completes; a failing one hits its backoff limit; a stuck one its deadline', async () => {
    const job = (name: string, image: string, spec: Record<string, unknown> = {}) =>
      api('POST', `/apis/batch/v1/namespaces/${ns}/jobs`, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name },
        spec: { ...spec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image }] } } },
      });
    expect((await job('migrate', 'registry.local/migrate:1')).status).toBe(201);
    expect((await job('broken', FAILING_IMAGE, { backoffLimit: 1 })).status).toBe(201);
    // 3 API seconds: 0.15 s on the emulator (secondMs 50), 3 s on the real cluster.
    expect((await job('hung', HUNG_IMAGE, { activeDeadlineSeconds: 3 })).status).toBe(201);
    const finished = (name: string, type: string) => async () => {
      const found = (await api('GET', `/apis/batch/v1/namespaces/${ns}/jobs/${name}`)).body;
      return condition(found, type)?.status === 'True' ? found : undefined;
    };
    const complete = await waitFor('migrate to complete', finished('migrate', 'Complete'), 60_000);
    expect(complete.status).toMatchObject({ succeeded: 1, completionTime: expect.any(String) });
    expect(condition(complete, 'SuccessCriteriaMet')).toMatchObject({ status: 'True' });
    const failed = await waitFor('broken to fail', finished('broken', 'Failed'), 60_000);
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(failed.status.failed).toBe(2);
    const hung = await waitFor('hung to time out', finished('hung', 'Failed'), 60_000);
    expect(condition(hung, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded' });
  });

  test('owner references are garbage-collected; propagationPolicy Orphan keeps dependents', async () => {
    const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
    expect((await api('POST', deployments, deploymentManifest('tmp', 'registry.local/tmp:1', { replicas: 1 }))).status).toBe(201);
    await waitFor('tmp to be available', async () => ((await api('GET', `${deployments}/tmp`)).body.status?.availableReplicas === 1 ? true : undefined), 60_000);
    const orphaned = await api('DELETE', `${deployments}/tmp`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' });
    expect(orphaned).toMatchObject({ status: 200 });
    const replicaSets = async () => (await api('GET', `/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3Dtmp`)).body.items as Array<{ metadata: { name: string; ownerReferences?: unknown[] } }>;
    // The ReplicaSet stays, without its owner, once the Deployment is gone.
    const [replicaSet] = await waitFor('the orphaned ReplicaSet', async () => {
      const gone = (await api('GET', `${deployments}/tmp`)).status === 404;
      const sets = await replicaSets();
      return gone && sets.length === 1 && (sets[0].metadata.ownerReferences ?? []).length === 0 ? sets : undefined;
    }, 30_000);
    const pods = async () => ((await api('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dtmp`)).body.items as unknown[]).length;
    expect(await pods()).toBe(1);
    await api('DELETE', `/apis/apps/v1/namespaces/${ns}/replicasets/${replicaSet.metadata.name}`);
    await waitFor('tmp pods to be collected', async () => ((await pods()) === 0 ? true : undefined), 60_000);
  });
});
