/**
 * The cluster as blue-green-deploy uses it, through @kubernetes/client-node: generic reads,
 * server-side apply, merge patches and deletes, each request with a timeout and bounded retries on
 * 429/5xx, broken connections and timeouts (honouring Retry-After), and waits that list then watch
 * (watch.ts) instead of polling.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { proxyFor } from '../proxy.js';
import { tlsDispatcher } from '../proxy-agents.js';
import { backoffDelay, parseRetryAfter, sleep } from '../retry.js';
import type { AwsCredentials } from '../aws/credentials.js';
import type { KubeObject } from './model.js';
import { watchCollection, type Verdict } from './watch.js';

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
  ConfigMap: { prefix: '/api/v1', plural: 'configmaps' },
  Pod: { prefix: '/api/v1', plural: 'pods' },
  HorizontalPodAutoscaler: { prefix: '/apis/autoscaling/v2', plural: 'horizontalpodautoscalers' },
  PodDisruptionBudget: { prefix: '/apis/policy/v1', plural: 'poddisruptionbudgets' },
  EndpointSlice: { prefix: '/apis/discovery.k8s.io/v1', plural: 'endpointslices' },
  Endpoints: { prefix: '/api/v1', plural: 'endpoints' },
};

export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
    /** The server's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** Turns client-node's ApiException (status + Status body) into a one-line error. */
export function toKubeError(error: unknown, what: string): KubeApiError {
  const err = error as { code?: number; body?: unknown; message?: string; headers?: Record<string, string>; name?: string };
  // A request given up by its timeout (a DOMException, whose numeric `code` is no HTTP status).
  if (err?.name === 'TimeoutError') return new KubeApiError(`${what}: no answer from the API server in time (request timeout)`, 0);
  if (typeof err?.code === 'number' && !(error instanceof DOMException)) {
    let status: { message?: string; reason?: string };
    try {
      status = typeof err.body === 'string' ? JSON.parse(err.body) : ((err.body as object) ?? {});
    } catch {
      status = { message: String(err.body).slice(0, 200) };
    }
    const retryAfter = parseRetryAfter(err.headers?.['retry-after']);
    return new KubeApiError(`${what}: ${status.message ?? `HTTP ${err.code}`} (${err.code}${status.reason ? ` ${status.reason}` : ''})`, err.code, status.reason, retryAfter);
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
      ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
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

/**
 * How a call is retried on 429, 5xx and broken connections (never on other 4xx): attempts with a
 * backoff that honours Retry-After, and optionally a time budget — retries go on until it is spent.
 */
export interface RetryPolicy {
  attempts: number;
  /** Retries stop once this much time has passed since the first attempt (no limit when absent). */
  budgetMs?: number;
  baseMs: number;
  capMs: number;
}

/** Any read or write: 5 attempts, about 3 s of waits in all. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 200, capMs: 5_000 };

export interface ClusterOptions {
  retry?: RetryPolicy;
  /** Each API request (to the end of its body) is given up after this. */
  requestTimeoutMs?: number;
  /** A watch with no event for this long is watched again: longer than the API server's bookmark interval (about 1 min). */
  watchIdleMs?: number;
}

/** An API server that accepts a request and never answers fails it after this (and the retry decides). */
export const REQUEST_TIMEOUT_MS = 15_000;
export const WATCH_IDLE_MS = 90_000;

/** The list path of `kind` in `namespace`. */
export function collectionPath(kind: string, namespace: string): string {
  const resource = RESOURCES[kind];
  if (!resource) throw new Error(`No watch path for ${kind}`);
  return `${resource.prefix}/namespaces/${namespace}/${resource.plural}`;
}

type HttpSend = { send(request: { getSignal(): AbortSignal | undefined; setSignal(signal: AbortSignal): void; setDispatcher(dispatcher: Dispatcher): void }): unknown };

/**
 * Gives every request of client-node's object API a timeout (its HTTP library takes a signal per
 * request) and, when given, the connection's own dispatcher: client-node 2 makes a new undici Agent
 * for every request, so every request opened a TCP and TLS connection of its own (35 connections
 * for a 31-request deploy); one pooled, kept-alive dispatcher makes it a handful.
 */
function withRequestOptions(api: KubernetesObjectApi, timeoutMs: number, dispatcher?: Dispatcher): void {
  // `configuration` is protected in the typings; the HTTP library it holds is the documented seam.
  const configuration = (api as unknown as { configuration: { httpApi: HttpSend } }).configuration;
  const inner = configuration.httpApi;
  configuration.httpApi = {
    send(request) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const own = request.getSignal();
      request.setSignal(own ? AbortSignal.any([own, timeout]) : timeout);
      if (dispatcher) request.setDispatcher(dispatcher);
      return inner.send(request);
    },
  };
}

/**
 * Whether the connection's dispatcher is what client-node would use: the same CA, client
 * certificate, server name and proxy. Not for a SOCKS proxy-url or a PKCS#12 client certificate,
 * which only client-node's own agents handle.
 */
function sharesDispatcher(kc: KubeConfig): boolean {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser() as { pfx?: unknown } | null;
  return !cluster?.proxyUrl?.startsWith('socks') && !user?.pfx;
}

export class Cluster {
  readonly api: KubernetesObjectApi;
  readonly retry: RetryPolicy;
  readonly requestTimeoutMs: number;
  readonly watchIdleMs: number;

  constructor(
    readonly connection: Connection,
    private readonly options: ClusterOptions = {},
  ) {
    this.api = KubernetesObjectApi.makeApiClient(connection.kubeconfig);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.watchIdleMs = options.watchIdleMs ?? WATCH_IDLE_MS;
    withRequestOptions(this.api, this.requestTimeoutMs, sharesDispatcher(connection.kubeconfig) ? connection.dispatcher : undefined);
  }

  /** The same cluster with another retry policy: for the one write that must land (the switch-back). */
  withRetry(retry: RetryPolicy): Cluster {
    return new Cluster(this.connection, { ...this.options, retry });
  }

  /** Runs one API call with retries on 429/5xx/network errors and timeouts (never on other 4xx), as the policy allows. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const { attempts, budgetMs, baseMs, capMs } = this.retry;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const kubeError = error instanceof KubeApiError ? error : toKubeError(error, what);
        if (!isRetryable(kubeError) || attempt >= attempts) throw kubeError;
        const wait = kubeError.retryAfterMs ?? backoffDelay(attempt, { baseMs, capMs });
        const left = budgetMs === undefined ? Infinity : started + budgetMs - Date.now();
        if (wait >= left) throw kubeError;
        await sleep(wait);
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
    return (await this.listWithVersion(apiVersion, kind, namespace, { labelSelector })).items;
  }

  private async listWithVersion(apiVersion: string, kind: string, namespace: string, selectors: { labelSelector?: string; fieldSelector?: string }) {
    const list = (await this.call(`list ${kind}`, () =>
      this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, selectors.fieldSelector, selectors.labelSelector),
    )) as { items: KubeObject[]; metadata?: { resourceVersion?: string } };
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion };
  }

  /**
   * Resolves once `judge` says so for the objects of `kind` that match the selectors (see
   * watch.ts: list, then watch; ERROR events re-list, BOOKMARKs advance), rejects with its failure
   * or with a timeout naming `waitingFor`.
   */
  waitForList<T>(
    target: { apiVersion: string; kind: string; namespace: string; labelSelector?: string; fieldSelector?: string },
    waitingFor: string,
    timeoutMs: number,
    judge: (items: KubeObject[]) => Verdict<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const { apiVersion, kind, namespace, labelSelector, fieldSelector } = target;
    return watchCollection(
      this.connection,
      { path: collectionPath(kind, namespace), kind, labelSelector, fieldSelector },
      () => this.listWithVersion(apiVersion, kind, namespace, { labelSelector, fieldSelector }),
      waitingFor,
      timeoutMs,
      { requestTimeoutMs: this.requestTimeoutMs, idleMs: this.watchIdleMs },
      judge,
      signal,
    );
  }

  /**
   * Resolves with the object once `done(object)` says so (returns a value other than undefined),
   * rejects with `fail(object)`'s message, or with a timeout naming `waitingFor`. `object` is
   * undefined while the object does not exist.
   */
  waitFor<T>(
    ref: ObjectRef & { namespace: string },
    waitingFor: string,
    timeoutMs: number,
    done: (object: KubeObject | undefined) => T | undefined,
    fail: (object: KubeObject | undefined) => string | undefined = () => undefined,
  ): Promise<T> {
    return this.waitForList<T>({ ...ref, fieldSelector: `metadata.name=${ref.name}` }, waitingFor, timeoutMs, (items) => {
      const object = items.find((item) => item.metadata.name === ref.name);
      const failure = fail(object);
      if (failure) return { failure };
      const value = done(object);
      return value === undefined ? undefined : { value: value as T };
    });
  }
}
