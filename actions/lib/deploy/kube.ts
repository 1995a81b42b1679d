/**
 * The cluster as the deploy actions use it, through requests of our own on one pooled, kept-alive
 * connection: generic reads, server-side apply, merge patches and deletes, each request with a
 * timeout and bounded retries on 429/5xx, broken connections and timeouts (honouring Retry-After),
 * and waits that list then watch (watch.ts) instead of polling. Resource paths come from a table of
 * the kinds the actions write, else from the API server's discovery (once per group version).
 * client-node is not loaded here: its object API compiles every generated model (about 0.2 s).
 */
import { request, Socks5ProxyAgent, type Dispatcher } from 'undici';
import { proxyFor } from '../proxy.js';
import { tlsDispatcher } from '../proxy-agents.js';
import { backoffDelay, parseRetryAfter, sleep } from '../retry.js';
import type { AwsCredentials } from '../aws/credentials.js';
import type { KubeconfigCluster } from './kubeconfig.js';
import type { KubeObject } from './model.js';
import { watchCollection, type Verdict } from './watch.js';

export const FIELD_MANAGER = 'sunday-blue-green-deploy';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** The kinds the actions read, write, list and watch: no discovery request is needed for these. */
const RESOURCES: Record<string, { apiVersion: string; plural: string }> = {
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments' },
  ReplicaSet: { apiVersion: 'apps/v1', plural: 'replicasets' },
  Job: { apiVersion: 'batch/v1', plural: 'jobs' },
  CronJob: { apiVersion: 'batch/v1', plural: 'cronjobs' },
  Lease: { apiVersion: 'coordination.k8s.io/v1', plural: 'leases' },
  Service: { apiVersion: 'v1', plural: 'services' },
  ConfigMap: { apiVersion: 'v1', plural: 'configmaps' },
  Pod: { apiVersion: 'v1', plural: 'pods' },
  HorizontalPodAutoscaler: { apiVersion: 'autoscaling/v2', plural: 'horizontalpodautoscalers' },
  PodDisruptionBudget: { apiVersion: 'policy/v1', plural: 'poddisruptionbudgets' },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices' },
  Endpoints: { apiVersion: 'v1', plural: 'endpoints' },
};

/** `/api/v1` for the core group, `/apis/<group>/<version>` for the others. */
function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

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

/** An answer of the API server (status + Status body), or a request that failed before one, as a one-line error. */
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
  server: string;
  /** Every request to the API server goes through this: its CA, client certificate, server name and proxy. */
  dispatcher: Dispatcher;
  /** The Authorization header to send now (asked each time: a token may be refreshed). */
  authorization(): Promise<Record<string, string>>;
  /** On EKS: the credentials of role-to-assume the connection was made with (an analysis signs with them too). */
  awsCredentials?: AwsCredentials;
}

/**
 * A connection to `cluster` with the client certificate given (if any). As kubectl: the cluster's
 * proxy-url if it has one (HTTP(S), or SOCKS5), else the runner's HTTPS_PROXY/NO_PROXY.
 */
export function connectionTo(
  cluster: KubeconfigCluster,
  client: { cert?: Buffer | string; key?: Buffer | string },
  authorization: () => Promise<Record<string, string>>,
): Connection {
  const tls = {
    ...(cluster.ca ? { ca: cluster.ca } : {}),
    ...(client.cert ? { cert: client.cert } : {}),
    ...(client.key ? { key: client.key } : {}),
    rejectUnauthorized: !cluster.skipTLSVerify,
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
  };
  const proxy = cluster.proxyUrl ?? proxyFor(cluster.server);
  const dispatcher =
    proxy && /^socks5?:/i.test(proxy)
      ? new Socks5ProxyAgent(proxy, { requestTls: tls })
      : tlsDispatcher(tls, proxy ? { HTTPS_PROXY: proxy, HTTP_PROXY: proxy } : {});
  return { server: cluster.server.replace(/\/+$/, ''), dispatcher, authorization };
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

/** The list path of `kind` in `namespace`, for the kinds the actions watch. */
export function collectionPath(kind: string, namespace: string): string {
  const resource = RESOURCES[kind];
  if (!resource) throw new Error(`No watch path for ${kind}`);
  return `${groupVersionPath(resource.apiVersion)}/namespaces/${namespace}/${resource.plural}`;
}

interface Resource {
  plural: string;
  namespaced: boolean;
}

type ApiResourceList = { resources?: Array<{ name: string; kind: string; namespaced: boolean }> };

interface Send {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

export class Cluster {
  readonly retry: RetryPolicy;
  readonly requestTimeoutMs: number;
  readonly watchIdleMs: number;
  /** What discovery said of each group version, shared with the copies `withRetry` makes. */
  private readonly discovered: Map<string, Promise<ApiResourceList>>;

  constructor(
    readonly connection: Connection,
    private readonly options: ClusterOptions = {},
    discovered?: Map<string, Promise<ApiResourceList>>,
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.watchIdleMs = options.watchIdleMs ?? WATCH_IDLE_MS;
    this.discovered = discovered ?? new Map();
  }

  /** The same cluster with another retry policy: for the one write that must land (the switch-back). */
  withRetry(retry: RetryPolicy): Cluster {
    return new Cluster(this.connection, { ...this.options, retry }, this.discovered);
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

  /** One request, whole: its answer's JSON, or a KubeApiError with the server's Status. */
  private async send<T>(what: string, { method, path, query, body, contentType }: Send): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(key, value);
    const url = `${this.connection.server}${path}${search.size ? `?${search}` : ''}`;
    const response = await request(url, {
      method,
      dispatcher: this.connection.dispatcher,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
        ...(await this.connection.authorization()),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // To the end of the body: an API server that accepts a request and never answers.
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) {
      const retryAfter = response.headers['retry-after'];
      throw toKubeError({ code: response.statusCode, body: text, headers: { 'retry-after': String(retryAfter ?? '') } }, what);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Where objects of `kind` live: from the table, else from discovery of its group version (asked once). */
  private async resource(apiVersion: string, kind: string, what: string): Promise<Resource> {
    const known = RESOURCES[kind];
    if (known?.apiVersion === apiVersion) return { plural: known.plural, namespaced: true };
    const path = groupVersionPath(apiVersion);
    let listed = this.discovered.get(path);
    if (!listed) {
      listed = this.call(`${what}: discovery of ${apiVersion}`, () => this.send<ApiResourceList>(`${what}: discovery of ${apiVersion}`, { method: 'GET', path }));
      this.discovered.set(path, listed);
      // A failed discovery is asked again by the next call, not remembered.
      listed.catch(() => this.discovered.delete(path));
    }
    let list: ApiResourceList;
    try {
      list = await listed;
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) throw new KubeApiError(`${what}: the API server does not serve ${apiVersion} (404 NotFound)`, 404, 'NotFound');
      throw error;
    }
    const found = list.resources?.find((resource) => resource.kind === kind && !resource.name.includes('/'));
    if (!found) throw new KubeApiError(`${what}: the API server has no kind ${kind} in ${apiVersion} (404 NotFound)`, 404, 'NotFound');
    return { plural: found.name, namespaced: found.namespaced };
  }

  /** The collection path of `ref`'s kind (in its namespace when namespaced), and the object's own path. */
  private async paths(ref: { apiVersion: string; kind: string; name?: string; namespace?: string }, what: string): Promise<{ collection: string; object: string }> {
    const resource = await this.resource(ref.apiVersion, ref.kind, what);
    const scope = resource.namespaced && ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
    const collection = `${groupVersionPath(ref.apiVersion)}${scope}/${resource.plural}`;
    return { collection, object: `${collection}/${encodeURIComponent(ref.name ?? '')}` };
  }

  private refOf(object: KubeObject): ObjectRef {
    return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const what = `get ${ref.kind} ${ref.name}`;
    try {
      const { object } = await this.paths(ref, what);
      return await this.call(what, () => this.send<KubeObject>(what, { method: 'GET', path: object }));
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Server-side apply under our field manager; `force` takes fields over from other managers. */
  async apply(object: KubeObject): Promise<KubeObject> {
    const what = `apply ${object.kind} ${object.metadata.name}`;
    const path = (await this.paths(this.refOf(object), what)).object;
    return this.call(what, () =>
      this.send<KubeObject>(what, { method: 'PATCH', path, query: { fieldManager: FIELD_MANAGER, force: 'true' }, body: object, contentType: 'application/apply-patch+yaml' }),
    );
  }

  /** A JSON merge patch; with `resourceVersion` in the patch the server refuses a stale write (409). */
  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    const what = `patch ${ref.kind} ${ref.name}`;
    const path = (await this.paths(ref, what)).object;
    return this.call(what, () =>
      this.send<KubeObject>(what, { method: 'PATCH', path, query: { fieldManager: FIELD_MANAGER }, body: patch, contentType: 'application/merge-patch+json' }),
    );
  }

  async create(object: KubeObject): Promise<KubeObject> {
    const what = `create ${object.kind} ${object.metadata.name}`;
    const path = (await this.paths(this.refOf(object), what)).collection;
    return this.call(what, () => this.send<KubeObject>(what, { method: 'POST', path, query: { fieldManager: FIELD_MANAGER }, body: object }));
  }

  async replace(object: KubeObject): Promise<KubeObject> {
    const what = `replace ${object.kind} ${object.metadata.name}`;
    const path = (await this.paths(this.refOf(object), what)).object;
    return this.call(what, () => this.send<KubeObject>(what, { method: 'PUT', path, query: { fieldManager: FIELD_MANAGER }, body: object }));
  }

  /** Deletes; an object already gone is fine. Dependents (ReplicaSets, Pods) go in the background. */
  async delete(ref: ObjectRef): Promise<boolean> {
    const what = `delete ${ref.kind} ${ref.name}`;
    try {
      const path = (await this.paths(ref, what)).object;
      await this.call(what, () => this.send(what, { method: 'DELETE', path, query: { propagationPolicy: 'Background' } }));
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
    const what = `list ${kind}`;
    const path = (await this.paths({ apiVersion, kind, namespace }, what)).collection;
    const list = await this.call(what, () => this.send<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }>(what, { method: 'GET', path, query: selectors }));
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion };
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
