/**
 * The deploy core's waits (actions/lib/deploy/watch.ts through Cluster.waitFor) against what a
 * real API server does to a watch: an ERROR event with a 410 Status (too old a resourceVersion —
 * HTTP 200 first, then the event) re-lists and watches again from the new resourceVersion; a watch
 * that goes quiet past the idle timeout is watched again from the last resourceVersion, without a
 * list; BOOKMARKs advance that resourceVersion. On both targets (the 410 made by compaction, and
 * by the fault API), and against a scripted API server for the exact order of requests.
 */
import { jest } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectKubeconfig } from '../../actions/lib/deploy/connect.js';
import { Cluster } from '../../actions/lib/deploy/kube.js';
import type { KubeObject } from '../../actions/lib/deploy/model.js';
import { kubeTargets } from '../cluster/target.js';
import { waitFor } from '../kube/helpers.js';
import { startStage, type Stage } from '../blue-green-deploy/fixture.js';

jest.setTimeout(120_000);

async function clusterFor(kubeconfig: string, options: ConstructorParameters<typeof Cluster>[1] = {}): Promise<Cluster> {
  return new Cluster((await connectKubeconfig(kubeconfig, undefined, () => undefined)).connection, options);
}

const stepIs = (value: string) => (cm: KubeObject | undefined) => (cm?.data?.step === value ? cm : undefined);

describe.each(kubeTargets())('waits on %s', (kind) => {
  let app: Stage;
  let cluster: Cluster;
  beforeAll(async () => {
    app = await startStage(kind, { name: 'watch' });
    cluster = await clusterFor(app.target.kubeconfig, { watchIdleMs: 1_500 });
  });
  afterAll(async () => {
    await cluster?.connection.dispatcher.close();
    await app?.stop();
  });

  const configMapRequests = async (verb: string) => (await app.target.requests()).filter((r) => r.verb === verb && r.path.startsWith(`/api/v1/namespaces/${app.namespace}/configmaps`));
  const ref = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: app.namespace });

  test('a quiet watch is watched again from its resourceVersion; after compaction the ERROR 410 event re-lists', async () => {
    expect((await app.kubectl(['create', 'configmap', 'compacted', '-n', app.namespace, '--from-literal=step=1'])).code).toBe(0);
    const listsBefore = (await configMapRequests('list')).length;
    const watchesBefore = (await configMapRequests('watch')).length;
    const waiting = cluster.waitFor(ref('compacted'), 'step 2', 60_000, stepIs('2'));
    // Idle for 1.5 s: watched again, from the list's resourceVersion, without listing.
    await waitFor('a second watch', async () => ((await configMapRequests('watch')).length >= watchesBefore + 2 ? true : undefined), 10_000);
    expect((await configMapRequests('list')).length).toBe(listsBefore + 1);
    // Writes our watch does not see, then the history compacted: the next watch is from too old a
    // version (two writes: etcd keeps the revision it compacts at, where a watch from the one before starts).
    for (const name of ['unrelated-1', 'unrelated-2']) expect((await app.kubectl(['create', 'configmap', name, '-n', app.namespace])).code).toBe(0);
    await app.target.compact();
    await waitFor('a list after the ERROR event', async () => ((await configMapRequests('list')).length >= listsBefore + 2 ? true : undefined), 15_000);
    expect((await app.kubectl(['patch', 'configmap', 'compacted', '-n', app.namespace, '--type', 'merge', '-p', '{"data":{"step":"2"}}'])).code).toBe(0);
    expect((await waiting)?.data?.step).toBe('2');
  });

  test('an injected ERROR 410 event: re-listed, watched again, and the change still seen', async () => {
    expect((await app.kubectl(['create', 'configmap', 'gone', '-n', app.namespace, '--from-literal=step=1'])).code).toBe(0);
    const listsBefore = (await configMapRequests('list')).length;
    await app.target.injectFault({ verb: 'watch', path: `/namespaces/${app.namespace}/configmaps`, watchGone: true, count: 1 });
    const waiting = cluster.waitFor(ref('gone'), 'step 2', 60_000, stepIs('2'));
    await waitFor('a list after the ERROR event', async () => ((await configMapRequests('list')).length >= listsBefore + 2 ? true : undefined), 15_000);
    expect((await app.kubectl(['patch', 'configmap', 'gone', '-n', app.namespace, '--type', 'merge', '-p', '{"data":{"step":"2"}}'])).code).toBe(0);
    expect((await waiting)?.data?.step).toBe('2');
  });

  test('a request the server never answers is given up after the request timeout, and retried', async () => {
    const quick = await clusterFor(app.target.kubeconfig, { requestTimeoutMs: 1_000 });
    await app.target.injectFault({ verb: 'get', path: `/namespaces/${app.namespace}/configmaps/gone`, network: 'hang', count: 1 });
    const started = Date.now();
    expect((await quick.get(ref('gone')))?.data?.step).toBe('2');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Always hanging: every attempt ends at its timeout, and the error says so.
    await app.target.injectFault({ verb: 'get', path: `/namespaces/${app.namespace}/configmaps/gone`, network: 'hang', count: 5 });
    await expect(quick.get(ref('gone'))).rejects.toThrow('get ConfigMap gone: no answer from the API server in time (request timeout)');
    await quick.connection.dispatcher.close();
  });

  test('a watch the server never answers is given up after the request timeout, and watched again', async () => {
    const quick = await clusterFor(app.target.kubeconfig, { requestTimeoutMs: 1_000 });
    await app.target.injectFault({ verb: 'watch', path: `/namespaces/${app.namespace}/configmaps`, network: 'hang', count: 1 });
    const waiting = quick.waitFor(ref('gone'), 'step 3', 30_000, stepIs('3'));
    await new Promise((done) => setTimeout(done, 1_500));
    expect((await app.kubectl(['patch', 'configmap', 'gone', '-n', app.namespace, '--type', 'merge', '-p', '{"data":{"step":"3"}}'])).code).toBe(0);
    expect((await waiting)?.data?.step).toBe('3');
    await quick.connection.dispatcher.close();
  });
});

/** A scripted API server: discovery, one ConfigMap list, and watch answers given by the test in order. */
describe('the order of requests, against a scripted API server', () => {
  type Script = (response: ServerResponse, query: URLSearchParams) => void;
  let server: Server;
  let url: string;
  const seen: string[] = [];
  let lists: Array<{ resourceVersion: string; step: string }> = [];
  let watches: Script[] = [];
  const configMap = (resourceVersion: string, step: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns', resourceVersion }, data: { step } });
  const event = (type: string, object: unknown) => JSON.stringify({ type, object }) + '\n';

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const { pathname, searchParams } = new URL(request.url!, 'http://x');
      if (pathname === '/api/v1') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['list', 'watch'] }] }));
        return;
      }
      if (searchParams.get('watch') === 'true') {
        seen.push(`watch rv=${searchParams.get('resourceVersion')} bookmarks=${searchParams.get('allowWatchBookmarks')}`);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.flushHeaders();
        (watches.shift() ?? (() => undefined))(response, searchParams);
        return;
      }
      const list = lists.shift()!;
      seen.push(`list`);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: list.resourceVersion }, items: [configMap(list.resourceVersion, list.step)] }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const scripted = async () => {
    const kubeconfig = { clusters: [{ name: 'c', cluster: { server: url } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'ns' } }], 'current-context': 'x' };
    return new Cluster((await connectKubeconfig(JSON.stringify(kubeconfig), undefined, () => undefined)).connection, { watchIdleMs: 500 });
  };
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'ns' };

  test('a BOOKMARK advances the resourceVersion; a quiet watch is watched again from it, without a list', async () => {
    lists = [{ resourceVersion: '10', step: '1' }];
    watches = [
      (response) => response.write(event('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '20' } })), // then silence
      (response) => response.end(event('MODIFIED', configMap('21', '2'))),
    ];
    const cluster = await scripted();
    expect((await cluster.waitFor(ref, 'step 2', 10_000, stepIs('2')))?.data?.step).toBe('2');
    expect(seen).toEqual(['list', 'watch rv=10 bookmarks=true', 'watch rv=20 bookmarks=true']);
    await cluster.connection.dispatcher.close();
  });

  test('an ERROR event re-lists and watches from the new list; a closed watch is watched again from its last version', async () => {
    lists = [
      { resourceVersion: '10', step: '1' },
      { resourceVersion: '30', step: '1' },
    ];
    watches = [
      (response) => response.end(event('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 10 (25)', reason: 'Expired', code: 410 })),
      (response) => response.end(event('MODIFIED', configMap('31', '1'))),
      (response) => response.end(event('MODIFIED', configMap('32', '2'))),
    ];
    const cluster = await scripted();
    expect((await cluster.waitFor(ref, 'step 2', 10_000, stepIs('2')))?.data?.step).toBe('2');
    expect(seen).toEqual(['list', 'watch rv=10 bookmarks=true', 'list', 'watch rv=30 bookmarks=true', 'watch rv=31 bookmarks=true']);
    await cluster.connection.dispatcher.close();
  });

  test('a watch refused before its stream (403) fails the wait at once with the server message', async () => {
    lists = [{ resourceVersion: '10', step: '1' }];
    const cluster = await scripted();
    const original = server.listeners('request')[0] as (request: IncomingMessage, response: ServerResponse) => void;
    server.removeAllListeners('request');
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (request.url?.includes('watch=true')) {
        response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: 'configmaps is forbidden: User "deployer" cannot watch resource "configmaps" in API group "" in the namespace "ns"' }));
        return;
      }
      original(request, response);
    });
    const started = Date.now();
    await expect(cluster.waitFor(ref, 'step 2', 10_000, stepIs('2'))).rejects.toThrow('watch ConfigMap: configmaps is forbidden: User "deployer" cannot watch resource "configmaps" in API group "" in the namespace "ns" (403 Forbidden)');
    expect(Date.now() - started).toBeLessThan(3_000);
    server.removeAllListeners('request');
    server.on('request', original);
    await cluster.connection.dispatcher.close();
  });
});
