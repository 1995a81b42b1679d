/**
 * The fault proxy on its own, in front of the emulator (TLS, tokens checked) as a stand-in for
 * kube-apiserver: it forwards as it came (bearer token included), records, and injects every fault
 * kind of the shared fault code. On the real API server it runs in every cluster test.
 */
import { request } from 'node:https';
import { startKubeEmulator, type KubeEmulator } from '../servers/kube/index.js';
import { createCertificateAuthority, issueCertificate } from '../servers/kube/tls.js';
import { requestVerb } from '../servers/kube/faults.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

let emulator: KubeEmulator;
let proxy: FaultProxy;
const ca = createCertificateAuthority('proxy-test-ca');

beforeAll(async () => {
  emulator = await startKubeEmulator({ strict: true, pace: 0 });
  proxy = await startFaultProxy({
    upstream: emulator.url,
    caCert: emulator.caCert!,
    serving: issueCertificate(ca, { commonName: 'proxy', usages: ['server'], ips: ['127.0.0.1'] }),
    identities: [],
  });
});
afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});

function call(path: string, options: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${proxy.url}${path}`, { method: options.method ?? 'GET', ca: ca.cert, headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' }, timeout: options.timeoutMs }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', reject);
    outgoing.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

test('forwards with the token, records each request with its verb and status', async () => {
  const before = proxy.requests.length;
  expect((await call('/api/v1/namespaces/default/configmaps', { method: 'POST', body: { metadata: { name: 'a' } } })).status).toBe(201);
  expect((await call('/api/v1/namespaces/default/configmaps/a')).status).toBe(200);
  expect(proxy.requests.slice(before).map((r) => `${r.verb} ${r.status} ${r.authenticated}`)).toEqual(['create 201 true', 'get 200 true']);
});

test('500/409/429, reset, hang, a watch cut after N events, a watch answered with an ERROR 410 event', async () => {
  proxy.faults.add({ verb: 'list', path: '/configmaps', status: 429, retryAfterSeconds: 3 });
  const throttled = await call('/api/v1/namespaces/default/configmaps');
  expect(throttled.status).toBe(429);
  expect(JSON.parse(throttled.text)).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
  proxy.faults.add({ verb: 'get', status: 500, count: 2 });
  expect((await call('/api/v1/namespaces/default/configmaps/a')).status).toBe(500);
  expect((await call('/api/v1/namespaces/default/configmaps/a')).status).toBe(500);
  expect((await call('/api/v1/namespaces/default/configmaps/a')).status).toBe(200);

  proxy.faults.add({ verb: 'get', network: 'reset' });
  await expect(call('/api/v1/namespaces/default/configmaps/a')).rejects.toThrow(/socket hang up|ECONNRESET/);
  proxy.faults.add({ verb: 'get', network: 'hang' });
  await expect(call('/api/v1/namespaces/default/configmaps/a', { timeoutMs: 300 })).rejects.toThrow('timeout');

  proxy.faults.add({ verb: 'watch', watchGone: true });
  const gone = await call('/api/v1/namespaces/default/configmaps?watch=true');
  expect(gone.status).toBe(200);
  expect(JSON.parse(gone.text)).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });

  proxy.faults.add({ verb: 'watch', dropWatchAfterEvents: 1 });
  await expect(call('/api/v1/namespaces/default/configmaps?watch=true')).rejects.toThrow(/aborted|hang up|ECONNRESET/);
});

test('the verb of any Kubernetes path, without a resource table', () => {
  expect(requestVerb('GET', '/apis/example.com/v1/namespaces/x/widgets?watch=true')).toBe('watch');
  expect(requestVerb('GET', '/apis/example.com/v1/namespaces/x/widgets/w')).toBe('get');
  expect(requestVerb('GET', '/api/v1/namespaces')).toBe('list');
  expect(requestVerb('GET', '/api/v1/namespaces/x')).toBe('get');
  expect(requestVerb('PATCH', '/apis/apps/v1/namespaces/x/deployments/web/scale')).toBe('patch');
  expect(requestVerb('GET', '/api/v1/namespaces/x/services/web:8080/proxy/healthz')).toBe('proxy');
  expect(requestVerb('DELETE', '/api/v1/namespaces/x/pods')).toBe('deletecollection');
  expect(requestVerb('GET', '/version')).toBe('discovery');
});
