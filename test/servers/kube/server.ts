/**
 * A local Kubernetes API server that real kubectl 1.32 and @kubernetes/client-node 2 work against,
 * with a control loop that rolls Deployments out, runs Jobs and routes Service traffic to pods that
 * really serve HTTP. Start it with `startKubeEmulator()`; see README.md in this folder.
 *
 * What it does not emulate:
 * - Admission, RBAC and quotas: any valid token may do anything; CRDs, aggregated discovery, and
 *   resources beyond the list in resources.ts; schema validation (`fieldValidation=Strict` is
 *   accepted but unknown fields are kept); pagination (`limit` is ignored, no `continue`).
 * - Protobuf beyond decoding the request bodies kubectl's `create` generators send (responses are
 *   always JSON); server-side apply's full structured-merge semantics (ownership is tracked on
 *   leaf fields and keyed list items; lists are keyed only where Kubernetes declares merge keys
 *   for pod specs and Services).
 * - Finalizers, graceful deletion and foreground cascading: deletion is immediate, dependents go
 *   in the next controller pass; namespaces are removed at once with their contents.
 * - Rolling updates are not gradual (the new ReplicaSet gets every replica at once, old ones go
 *   when it is available); no HPA, PDB or CronJob scheduling (they are stored only), no
 *   minReadySeconds, no liveness probes (only readinessProbe.httpGet), one node.
 * - Pods are HTTP servers in this process on 127.0.0.1 (podIP 127.0.0.1, each on its own port);
 *   logs, exec, attach and port-forward are not served.
 * - No periodic BOOKMARKs. EndpointSlices and Endpoints follow the pods (one slice per pod, as each
 *   pod has its own port), but Service traffic follows the selector at once, where a real cluster
 *   follows EndpointSlices the endpoint controller updates a moment later (the real control plane
 *   of test/cluster shows that delay; test/cluster/differential.test.ts compares).
 * - Server-side apply over a client-side apply hands over the fields of the last-applied
 *   annotation whose live value is still the applied one, to the manager `kubectl` only, as the API
 *   server does; other managers, and fields changed since by another writer, conflict.
 * - No controller-manager publishers: a real namespace gets a `kube-root-ca.crt` ConfigMap a moment
 *   after it is made (so `-l 'x notin (…)'` lists it too); here it never appears. Pinned by
 *   test/kube/kubectl.test.ts, which runs on both targets.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Api, NAMESPACES } from './api.js';
import { TYPES, isPodReady } from './controllers/context.js';
import { ControlLoop } from './controllers/loop.js';
import { applyCreateDefaults } from './defaults.js';
import { Faults, type FaultHandle, type FaultSpec } from './faults.js';
import { createHandler, type RecordedRequest } from './http.js';
import { kubeconfigText } from './kubeconfig.js';
import { ImageModes, PodRuntime } from './pods.js';
import { typeOfKind, type ResourceType } from './resources.js';
import { mapSelectorMatcher } from './selectors.js';
import { ServiceProxies } from './service-proxy.js';
import { Store } from './store.js';
import { generateServingCertificates } from './tls.js';
import { deepEqual, isImageMode, type ImageMode, type KubeObject } from './types.js';

export interface KubeEmulatorOptions {
  /** Milliseconds between controller passes; 0 is as fast as possible. Default 10. */
  pace?: number;
  /** TLS with a generated CA, bearer tokens checked, field managers required on server-side apply. */
  strict?: boolean;
  /** Serve TLS even when not strict (default: as `strict`). */
  tls?: boolean;
  /** Decides whether a bearer token is accepted; turns authentication on. Strict mode without one accepts only `token`. */
  tokenCheck?: (token: string) => boolean | Promise<boolean>;
  /** The token written into the kubeconfig (default: random in strict mode, none otherwise). */
  token?: string;
  /** Failure modes by image substring, e.g. `{ 'web:v3': 'never-ready' }`. */
  faultImages?: Record<string, ImageMode>;
  /** How long one API "second" lasts in ms, for progressDeadlineSeconds and activeDeadlineSeconds. Default 1000. */
  secondMs?: number;
  /** How long a `slow` image delays each answer and its start, in ms. Default 300. */
  slowMs?: number;
  /** Namespaces to create besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  /** Write the kubeconfig here once listening. */
  kubeconfigPath?: string;
  /** Namespace the kubeconfig's context uses. Default `default`. */
  namespace?: string;
  /** Changes a watch can still resume from before it gets 410 Gone. Default 5000. */
  watchHistory?: number;
  /** Port to listen on; default 0 (a free one). */
  port?: number;
}

/** Direct access to stored objects, for tests: by apiVersion and kind, as in manifests. */
export interface StoreAccess {
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Creates (with server defaults) or replaces an object, without validation; returns it as stored. */
  put(object: KubeObject): KubeObject;
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
  /** The current resourceVersion. */
  readonly resourceVersion: string;
  /** Forgets the change history: watches from older resourceVersions get 410 Gone. */
  compact(): void;
}

export interface KubeEmulator {
  /** `http://127.0.0.1:<port>` or `https://…` in strict/TLS mode. */
  url: string;
  /** The kubeconfig text (CA and token included in strict mode). */
  kubeconfig: string;
  kubeconfigPath?: string;
  /** PEM of the CA the kubeconfig trusts, in TLS mode. */
  caCert?: string;
  token?: string;
  writeKubeconfig(path: string, options?: { namespace?: string }): Promise<void>;
  /** `http://127.0.0.1:<port>`: a local port whose connections go to ready pods the Service selects now. */
  serviceUrl(namespace: string, name: string, port?: number): Promise<string>;
  /** The URL of one pod's server, when it runs. */
  podUrl(namespace: string, name: string): string | undefined;
  store: StoreAccess;
  /** The next `count` requests matching verb and path fail (500/409/429), or their watches are cut. */
  injectFault(spec: FaultSpec): FaultHandle;
  clearFaults(): void;
  /** Cuts every open watch stream now; returns how many. */
  dropWatches(): number;
  /** Sets the failure mode of images whose name contains `imageSubstring` ('ok' to heal). */
  setImageMode(imageSubstring: string, mode: ImageMode): void;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Resolves once the control loop has nothing left to do right now. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

function resourceTypeOf(apiVersion: string, kind: string): ResourceType {
  const type = typeOfKind(apiVersion, kind);
  if (!type) throw new Error(`kube emulator: unknown kind ${apiVersion}/${kind}`);
  return type;
}

export async function startKubeEmulator(options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const strict = options.strict ?? false;
  const useTls = options.tls ?? strict;
  const token = options.token ?? (strict ? randomBytes(24).toString('base64url') : undefined);
  const tokenCheck = options.tokenCheck ?? (strict ? (given: string) => given === token : undefined);
  const imageModes = new ImageModes();
  for (const [substring, mode] of Object.entries(options.faultImages ?? {})) {
    if (!isImageMode(mode)) throw new Error(`kube emulator: unknown image mode ${mode}`);
    imageModes.set(substring, mode);
  }
  const modeOf = (image: string): ImageMode => imageModes.of(image);

  const store = new Store(options.watchHistory);
  const api = new Api(store);
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...(options.namespaces ?? [])]) {
    api.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'kube-apiserver', dryRun: false });
  }
  const runtime = new PodRuntime(modeOf, options.slowMs ?? 300);
  const roundRobin = new Map<string, number>();
  const pickBackend = (namespace: string, service: string): number | undefined => {
    const selector = store.get(TYPES.services, namespace, service)?.spec?.selector;
    const matches = mapSelectorMatcher(selector);
    const ports = store
      .list(TYPES.pods, namespace)
      .filter((pod) => matches(pod.metadata.labels) && isPodReady(pod))
      .map((pod) => runtime.port(pod.metadata.uid!))
      .filter((port): port is number => port !== undefined);
    if (ports.length === 0) return undefined;
    const key = `${namespace}/${service}`;
    const turn = roundRobin.get(key) ?? 0;
    roundRobin.set(key, turn + 1);
    return ports[turn % ports.length];
  };
  const proxies = new ServiceProxies((namespace, service) => {
    const port = pickBackend(namespace, service);
    return port === undefined ? undefined : { host: '127.0.0.1', port };
  });
  const loop = new ControlLoop({ store, runtime, proxies, modeOf, pace: options.pace ?? 10, secondMs: options.secondMs ?? 1000, slowStartMs: options.slowMs ?? 300 });

  const serviceUrl = async (namespace: string, name: string, port?: number): Promise<string> => {
    const service = store.get(TYPES.services, namespace, name);
    if (!service) throw new Error(`kube emulator: service ${namespace}/${name} not found`);
    await proxies.sync(namespace, name, service.spec?.ports ?? []);
    const local = proxies.localPort(namespace, name, port);
    if (local === undefined) throw new Error(`kube emulator: service ${namespace}/${name} has no port ${port ?? ''}`);
    return `http://127.0.0.1:${local}`;
  };
  const podPort = (namespace: string, name: string) => {
    const uid = store.get(TYPES.pods, namespace, name)?.metadata.uid;
    return uid ? runtime.port(uid) : undefined;
  };

  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  const activeWatches = new Set<ServerResponse>();
  const certificates = useTls ? generateServingCertificates() : undefined;
  const httpContext = { api, store, faults, requests, tokenCheck, strict, serverAddress: '', pickBackend, podPort, serviceUrl, activeWatches };
  const handler = createHandler(httpContext);
  const server: Server = certificates ? createHttpsServer({ cert: certificates.cert, key: certificates.key }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  httpContext.serverAddress = `127.0.0.1:${port}`;
  const url = `${certificates ? 'https' : 'http'}://127.0.0.1:${port}`;
  const configFor = (namespace?: string) => kubeconfigText({ server: url, caCert: certificates?.caCert, token, namespace: namespace ?? options.namespace });
  const kubeconfig = configFor();
  const writeKubeconfig = (path: string, opts: { namespace?: string } = {}) => writeFile(path, configFor(opts.namespace), { mode: 0o600 });
  if (options.kubeconfigPath) await writeKubeconfig(options.kubeconfigPath);

  const storeAccess: StoreAccess = {
    get: (apiVersion, kind, namespace, name) => store.get(resourceTypeOf(apiVersion, kind), namespace, name),
    list: (apiVersion, kind, namespace) => store.list(resourceTypeOf(apiVersion, kind), namespace),
    put: (object) => {
      const type = resourceTypeOf(object.apiVersion, object.kind);
      const live = store.get(type, object.metadata.namespace, object.metadata.name!);
      const next = structuredClone(object);
      if (type.namespaced) next.metadata.namespace ??= 'default';
      if (live) {
        next.metadata = { ...next.metadata, uid: live.metadata.uid, creationTimestamp: live.metadata.creationTimestamp, generation: live.metadata.generation };
        if (type.hasGeneration && !deepEqual(live.spec, next.spec)) next.metadata.generation = (live.metadata.generation ?? 0) + 1;
      } else applyCreateDefaults(type, next);
      return store.put(type, next);
    },
    delete: (apiVersion, kind, namespace, name) => store.remove(resourceTypeOf(apiVersion, kind), namespace, name) !== undefined,
    get resourceVersion() {
      return store.resourceVersion;
    },
    compact: () => store.compact(),
  };

  return {
    url,
    kubeconfig,
    kubeconfigPath: options.kubeconfigPath,
    caCert: certificates?.caCert,
    token,
    writeKubeconfig,
    serviceUrl,
    podUrl: (namespace, name) => {
      const found = podPort(namespace, name);
      return found === undefined ? undefined : `http://127.0.0.1:${found}`;
    },
    store: storeAccess,
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    dropWatches: () => {
      const count = activeWatches.size;
      for (const response of [...activeWatches]) response.destroy();
      activeWatches.clear();
      return count;
    },
    setImageMode: (imageSubstring, mode) => {
      if (!isImageMode(mode)) throw new Error(`kube emulator: unknown image mode ${mode}`);
      imageModes.set(imageSubstring, mode);
      loop.kick();
    },
    requests,
    settle: () => loop.idle(),
    stop: async () => {
      await loop.stop();
      for (const response of activeWatches) response.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      proxies.stopAll();
      runtime.stopAll();
    },
  };
}
