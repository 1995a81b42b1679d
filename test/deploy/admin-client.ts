/**
 * The tests' own view of a Kubernetes target (emulator or real control plane): a small async
 * HTTP client over the admin kubeconfig (CA, then a client certificate or a bearer token), so the
 * deploy suites read and change objects through the API on both targets, never through a store.
 * Waits use watches: `waitFor` resolves on the first event whose object passes the test.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { parse } from 'yaml';
import type { KubeObject } from '../servers/kube/types.js';

/** The kinds the deploy suites look at, by the REST path of their collection. */
const COLLECTIONS = {
  Service: '/api/v1',
  ConfigMap: '/api/v1',
  Pod: '/api/v1',
  Deployment: '/apis/apps/v1',
  Lease: '/apis/coordination.k8s.io/v1',
  HorizontalPodAutoscaler: '/apis/autoscaling/v2',
  PodDisruptionBudget: '/apis/policy/v1',
  Job: '/apis/batch/v1',
  CronJob: '/apis/batch/v1',
} as const;
export type Kind = keyof typeof COLLECTIONS;

const plural = (kind: Kind) => `${kind.toLowerCase()}${kind.endsWith('s') ? 'es' : 's'}`;

interface KubeconfigFile {
  clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
  users: Array<{ name: string; user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string } }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  'current-context': string;
}

export interface AdminClient {
  get(kind: Kind, name: string): Promise<KubeObject | undefined>;
  list(kind: Kind): Promise<KubeObject[]>;
  /** A JSON merge patch (what `kubectl patch --type merge` sends). */
  patch(kind: Kind, name: string, patch: unknown): Promise<KubeObject>;
  /** Resolves with the first version of the object that passes `test` (now or later); rejects after `timeoutMs`. */
  waitFor(kind: Kind, name: string, test: (object: KubeObject) => boolean, timeoutMs?: number): Promise<KubeObject>;
  close(): void;
}

const b64 = (text: string | undefined) => (text ? Buffer.from(text, 'base64') : undefined);

export function adminClient(kubeconfig: string, namespace: string): AdminClient {
  const config = parse(kubeconfig) as KubeconfigFile;
  const context = config.contexts.find((entry) => entry.name === config['current-context'])!.context;
  const { server, 'certificate-authority-data': ca } = config.clusters.find((entry) => entry.name === context.cluster)!.cluster;
  const user = config.users.find((entry) => entry.name === context.user)!.user;
  // A plain-HTTP emulator (not strict) for the suites that want one; TLS otherwise.
  const plain = server.startsWith('http:');
  const send = plain ? httpRequest : httpsRequest;
  const makeAgent = (keepAlive: boolean) => (plain ? new HttpAgent({ keepAlive }) : new Agent({ ca: b64(ca), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']), keepAlive }));
  const agent = makeAgent(true);
  const headers: Record<string, string> = user.token ? { authorization: `Bearer ${user.token}` } : {};
  const path = (kind: Kind, name = '') => `${COLLECTIONS[kind]}/namespaces/${namespace}/${plural(kind)}${name && `/${name}`}`;

  const call = (method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: KubeObject }> =>
    new Promise((resolve, reject) => {
      const request = send(`${server}${url}`, { method, agent, headers: { ...headers, accept: 'application/json', 'content-type': contentType }, timeout: 15_000 }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${url}: no answer in 15 s`)));
      request.on('error', reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const expectOk = (what: string, answer: { status: number; body: KubeObject }) => {
    if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  const waitFor = (kind: Kind, name: string, test: (object: KubeObject) => boolean, timeoutMs = 30_000): Promise<KubeObject> =>
    new Promise((resolve, reject) => {
      // A watch without a resourceVersion starts with the object as it is (a synthetic ADDED event).
      const url = `${path(kind)}?watch=true&fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}&timeoutSeconds=${Math.ceil(timeoutMs / 1000)}`;
      let buffered = '';
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        request.destroy();
        outcome();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${kind} ${namespace}/${name}`))), timeoutMs);
      const request = send(`${server}${url}`, { agent: makeAgent(false), headers: { ...headers, accept: 'application/json' } }, (response) => {
        if (response.statusCode !== 200) return finish(() => reject(new Error(`watch ${url}: HTTP ${response.statusCode}`)));
        response.setEncoding('utf8').on('data', (chunk: string) => {
          buffered += chunk;
          for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
            const event = JSON.parse(buffered.slice(0, end)) as { type: string; object: KubeObject };
            buffered = buffered.slice(end + 1);
            if (event.type === 'ERROR') return finish(() => reject(new Error(`watch ${url}: ${JSON.stringify(event.object)}`)));
            if (event.type !== 'DELETED' && event.type !== 'BOOKMARK' && test(event.object)) return finish(() => resolve(event.object));
          }
        });
      });
      request.on('error', (error) => finish(() => reject(error)));
      request.end();
    });

  return {
    get: async (kind, name) => {
      const answer = await call('GET', path(kind, name));
      return answer.status === 404 ? undefined : expectOk(`get ${kind} ${name}`, answer);
    },
    list: async (kind) => (expectOk(`list ${kind}`, await call('GET', path(kind))) as unknown as { items: KubeObject[] }).items,
    patch: async (kind, name, patch) => expectOk(`patch ${kind} ${name}`, await call('PATCH', path(kind, name), patch, 'application/merge-patch+json')),
    waitFor,
    close: () => agent.destroy(),
  };
}
