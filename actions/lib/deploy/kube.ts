/**
 * The cluster as blue-green-deploy uses it, through @kubernetes/client-node: generic reads,
 * server-side apply, merge patches and deletes with bounded retries on 429/5xx and broken
 * connections, and waits that list then watch (re-listing when a watch drops or answers 410 Gone)
 * instead of polling.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { proxyFor } from '../proxy.js';
import { tlsDispatcher } from '../proxy-agents.js';
import { backoffDelay, sleep } from '../retry.js';
import type { AwsCredentials } from '../aws/credentials.js';
import type { KubeObject } from './model.js';

export const FIELD_MANAGER = 'sunday-blue-green-deploy';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** The plural REST path of the kinds this action lists and watches. */
const RESOURCES: Record<string, { prefix: string; plural: string }> = {
  Deployment: { prefix: '/apis/apps/v1', plural: 'deployments' },
  ReplicaSet: { prefix: '/apis/apps/v1', plural: 'replicasets' },
  Job: { prefix: '/apis/batch/v1', plural: 'jobs' },
  CronJob: { prefix: '/apis/batch/v1', plural: 'cronjobs' },
  Lease: { prefix: '/apis/coordination.k8s.io/v1', plural: 'leases' },
  Service: { prefix: '/api/v1', plural: 'services' },
  Pod: { prefix: '/api/v1', plural: 'pods' },
  HorizontalPodAutoscaler: { prefix: '/apis/autoscaling/v2', plural: 'horizontalpodautoscalers' },
  PodDisruptionBudget: { prefix: '/apis/policy/v1', plural: 'poddisruptionbudgets' },
};

export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** Turns client-node's ApiException (status + Status body) into a one-line error. */
export function toKubeError(error: unknown, what: string): KubeApiError {
  const err = error as { code?: number; body?: unknown; message?: string; cause?: { code?: string } };
  if (typeof err?.code === 'number') {
    let status: { message?: string; reason?: string };
    try {
      status = typeof err.body === 'string' ? JSON.parse(err.body) : ((err.body as object) ?? {});
    } catch {
      status = { message: String(err.body).slice(0, 200) };
    }
    return new KubeApiError(`${what}: ${status.message ?? `HTTP ${err.code}`} (${err.code}${status.reason ? ` ${status.reason}` : ''})`, err.code, status.reason);
  }
  return new KubeApiError(`${what}: ${err?.message ?? String(error)}`, 0);
}

function isRetryable(error: KubeApiError): boolean {
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

export interface Connection {
  kubeconfig: KubeConfig;
  server: string;
  /** For HTTP requests of our own to the API server (service proxy checks): its CA, client certificate, proxy. */
  dispatcher: Dispatcher;
  /** The Authorization header the kubeconfig gives now (asked each time: a token may be refreshed). */
  authorization(): Promise<Record<string, string>>;
  /** On EKS: the credentials of role-to-assume the connection was made with (an analysis signs with them too). */
  awsCredentials?: AwsCredentials;
}

type HttpsOptions = { headers?: Record<string, string>; ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string };

export async function connectionFor(kc: KubeConfig): Promise<Connection> {
  let cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('The kubeconfig has no current cluster (set current-context)');
  // As kubectl: the kubeconfig's proxy-url if it has one, else the runner's HTTPS_PROXY/NO_PROXY.
  const envProxy = cluster.proxyUrl ? undefined : proxyFor(cluster.server);
  if (envProxy) {
    const proxied = { ...cluster, proxyUrl: envProxy };
    kc.clusters = kc.clusters.map((entry) => (entry === cluster ? proxied : entry));
    cluster = proxied;
  }
  const proxyEnv = cluster.proxyUrl ? { HTTPS_PROXY: cluster.proxyUrl, HTTP_PROXY: cluster.proxyUrl } : {};
  const options: HttpsOptions = { headers: {} };
  await kc.applyToHTTPSOptions(options as never);
  const read = (data?: string, file?: string) => (data ? Buffer.from(data, 'base64') : file ? readFileSync(file) : undefined);
  const user = kc.getCurrentUser();
  const dispatcher = tlsDispatcher(
    {
      ca: options.ca ?? read(cluster.caData, cluster.caFile),
      cert: options.cert ?? read(user?.certData, user?.certFile),
      key: options.key ?? read(user?.keyData, user?.keyFile),
      rejectUnauthorized: !cluster.skipTLSVerify,
    },
    proxyEnv,
  );
  const authorization = async (): Promise<Record<string, string>> => {
    const current: HttpsOptions = { headers: {} };
    await kc.applyToHTTPSOptions(current as never);
    const value = current.headers?.Authorization ?? current.headers?.authorization;
    return value ? { authorization: String(value) } : {};
  };
  return { kubeconfig: kc, server: cluster.server.replace(/\/+$/, ''), dispatcher, authorization };
}

export interface ClusterOptions {
  /** Attempts per API call on 429, 5xx and broken connections. */
  attempts?: number;
  retryBaseMs?: number;
  log?: (line: string) => void;
}

export class Cluster {
  readonly api: KubernetesObjectApi;
  private readonly attempts: number;
  private readonly retryBaseMs: number;

  constructor(
    readonly connection: Connection,
    options: ClusterOptions = {},
  ) {
    this.api = KubernetesObjectApi.makeApiClient(connection.kubeconfig);
    this.attempts = options.attempts ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 200;
  }

  /** Runs one API call with bounded retries on 429/5xx/network errors (never on 4xx). */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const kubeError = error instanceof KubeApiError ? error : toKubeError(error, what);
        if (!isRetryable(kubeError) || attempt >= this.attempts) throw kubeError;
        await sleep(backoffDelay(attempt, { baseMs: this.retryBaseMs, capMs: 5_000 }));
      }
    }
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return (await this.call(`get ${ref.kind} ${ref.name}`, () =>
        this.api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }),
      )) as KubeObject;
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Server-side apply under our field manager; `force` takes fields over from other managers. */
  async apply(object: KubeObject): Promise<KubeObject> {
    return (await this.call(`apply ${object.kind} ${object.metadata.name}`, () =>
      this.api.patch(object as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    )) as KubeObject;
  }

  /** A JSON merge patch; with `resourceVersion` in the patch the server refuses a stale write (409). */
  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    const body = { apiVersion: ref.apiVersion, kind: ref.kind, ...patch, metadata: { ...(patch.metadata as object), name: ref.name, namespace: ref.namespace } };
    return (await this.call(`patch ${ref.kind} ${ref.name}`, () =>
      this.api.patch(body as KubernetesObject, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch),
    )) as KubeObject;
  }

  async create(object: KubeObject): Promise<KubeObject> {
    return (await this.call(`create ${object.kind} ${object.metadata.name}`, () => this.api.create(object as KubernetesObject, undefined, undefined, FIELD_MANAGER))) as KubeObject;
  }

  async replace(object: KubeObject): Promise<KubeObject> {
    return (await this.call(`replace ${object.kind} ${object.metadata.name}`, () => this.api.replace(object as KubernetesObject, undefined, undefined, FIELD_MANAGER))) as KubeObject;
  }

  /** Deletes; an object already gone is fine. Dependents (ReplicaSets, Pods) go in the background. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.call(`delete ${ref.kind} ${ref.name}`, () =>
        this.api.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }, undefined, undefined, undefined, undefined, 'Background'),
      );
      return true;
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return false;
      throw error;
    }
  }

  async list(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<KubeObject[]> {
    const list = await this.call(`list ${kind}`, () => this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector));
    return list.items as KubeObject[];
  }

  /**
   * Resolves with the object once `done(object)` says so (returns a value other than undefined),
   * rejects with `fail(object)`'s message, or with a timeout naming `waitingFor`. Lists, then watches
   * from the list's resourceVersion; a dropped watch or 410 Gone re-lists. `object` is undefined
   * while the object does not exist.
   */
  async waitFor<T>(
    ref: ObjectRef & { namespace: string },
    waitingFor: string,
    timeoutMs: number,
    done: (object: KubeObject | undefined) => T | undefined,
    fail: (object: KubeObject | undefined) => string | undefined = () => undefined,
  ): Promise<T> {
    const resource = RESOURCES[ref.kind];
    if (!resource) throw new Error(`No watch path for ${ref.kind}`);
    const path = `${resource.prefix}/namespaces/${ref.namespace}/${resource.plural}`;
    const watch = new Watch(this.connection.kubeconfig);
    return new Promise<T>((resolve, reject) => {
      let finished = false;
      let controller: AbortController | undefined;
      const finish = (outcome: () => void) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        controller?.abort();
        outcome();
      };
      const judge = (object: KubeObject | undefined): boolean => {
        const failure = fail(object);
        if (failure) {
          finish(() => reject(new Error(failure)));
          return true;
        }
        const value = done(object);
        if (value !== undefined) {
          finish(() => resolve(value));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`Timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${waitingFor}`))), timeoutMs);
      const listAndWatch = async (drops: number): Promise<void> => {
        if (finished) return;
        try {
          const list = (await this.call(`list ${ref.kind}`, () =>
            this.api.list(ref.apiVersion, ref.kind, ref.namespace, undefined, undefined, undefined, `metadata.name=${ref.name}`),
          )) as { items: KubeObject[]; metadata?: { resourceVersion?: string } };
          if (judge(list.items[0])) return;
          controller = await watch.watch(
            path,
            { fieldSelector: `metadata.name=${ref.name}`, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
            (phase, object) => {
              if (phase === 'BOOKMARK' || phase === 'ERROR') return;
              judge(phase === 'DELETED' ? undefined : object);
            },
            () => {
              // The watch ended (dropped, timed out server-side, or 410 Gone): list again and go on.
              if (!finished) setTimeout(() => void listAndWatch(drops + 1), drops > 3 ? 500 : 50);
            },
          );
        } catch (error) {
          finish(() => reject(error instanceof KubeApiError ? error : toKubeError(error, `watch ${ref.kind} ${ref.name}`)));
        }
      };
      void listAndWatch(0);
    });
  }
}
