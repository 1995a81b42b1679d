/**
 * The deploy suites' view of a Kubernetes target (emulator or real control plane) as the admin:
 * the kinds they look at, by name, in one namespace, over the node agent's client
 * (test/cluster/agent/kube-client.ts: the kubeconfig's CA and credentials, timeouts, retries), so
 * the suites read and change objects through the API on both targets, never through a store.
 * Waits use watches: `waitFor` resolves on the first event whose object passes the test.
 */
import { createKubeClient } from '../cluster/agent/kube-client.js';
import type { KubeObject } from '../servers/kube/types.js';

/** The kinds the deploy suites look at, by the REST path of their API group. */
const GROUPS = {
  Service: '/api/v1',
  ConfigMap: '/api/v1',
  Pod: '/api/v1',
  Endpoints: '/api/v1',
  EndpointSlice: '/apis/discovery.k8s.io/v1',
  Deployment: '/apis/apps/v1',
  Lease: '/apis/coordination.k8s.io/v1',
  HorizontalPodAutoscaler: '/apis/autoscaling/v2',
  PodDisruptionBudget: '/apis/policy/v1',
  Job: '/apis/batch/v1',
  CronJob: '/apis/batch/v1',
} as const;
export type Kind = keyof typeof GROUPS;

export interface AdminClient {
  get(kind: Kind, name: string): Promise<KubeObject | undefined>;
  /** The objects of a kind, or only those matching a label selector (e.g. `app=web`). */
  list(kind: Kind, selector?: string): Promise<KubeObject[]>;
  /** A JSON merge patch (what `kubectl patch --type merge` sends). */
  patch(kind: Kind, name: string, patch: unknown): Promise<KubeObject>;
  /** Resolves with the first version of the object that passes `test` (now or later); rejects after `timeoutMs`. */
  waitFor(kind: Kind, name: string, test: (object: KubeObject) => boolean, timeoutMs?: number): Promise<KubeObject>;
  close(): Promise<void>;
}

export async function adminClient(kubeconfig: string, namespace: string): Promise<AdminClient> {
  const client = await createKubeClient(kubeconfig, { userAgent: 'sunday-deploy-tests', timeoutMs: 15_000 });
  // The resource is the kind, lower-case, plural: `services`, `endpointslices` (`endpoints` is already plural).
  const path = (kind: Kind, name = '') => `${GROUPS[kind]}/namespaces/${namespace}/${kind.toLowerCase().replace(/s?$/, 's')}${name && `/${name}`}`;

  const waitFor = (kind: Kind, name: string, test: (object: KubeObject) => boolean, timeoutMs = 30_000): Promise<KubeObject> =>
    new Promise((resolve, reject) => {
      const stop = new AbortController();
      const finish = (outcome: () => void) => {
        if (stop.signal.aborted) return;
        clearTimeout(timer);
        stop.abort();
        outcome();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${kind} ${namespace}/${name}`))), timeoutMs);
      // A watch without a resourceVersion starts with the object as it is (a synthetic ADDED event).
      const url = `${path(kind)}?watch=true&fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}&timeoutSeconds=${Math.ceil(timeoutMs / 1000)}`;
      client
        .watch(
          url,
          (event) => {
            if (event.type === 'ERROR') finish(() => reject(new Error(`watch ${url}: ${JSON.stringify(event.object)}`)));
            else if (event.type !== 'DELETED' && event.type !== 'BOOKMARK' && test(event.object)) finish(() => resolve(event.object));
          },
          stop.signal,
        )
        .then(
          () => finish(() => reject(new Error(`the watch of ${kind} ${namespace}/${name} ended before the awaited change`))),
          (error: Error) => finish(() => reject(error)),
        );
    });

  return {
    get: (kind, name) => client.find(path(kind, name)),
    list: async (kind, selector) => (await client.get<{ items: KubeObject[] }>(`${path(kind)}${selector ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`)).items,
    patch: (kind, name, patch) => client.patch(path(kind, name), patch, 'merge'),
    waitFor,
    close: () => client.close(),
  };
}
