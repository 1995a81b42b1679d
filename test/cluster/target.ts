/**
 * The two Kubernetes targets behind one surface, so a suite runs the same assertions on the
 * emulator and on the real control plane: `describe.each(kubeTargets())(…)`. The real one is the
 * run's shared cluster (shared.ts), reached through its fault proxy's control API; each suite gets
 * namespaces of its own there (`namespace(name)`), and `cleanup()` deletes them.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { parse, stringify } from 'yaml';
import type { FaultSpec } from '../servers/kube/faults.js';
import type { RecordedRequest } from '../servers/kube/http.js';
import { startKubeEmulator, type KubeEmulator, type KubeEmulatorOptions } from '../servers/kube/index.js';
import type { ImageMode } from '../servers/kube/types.js';
import type { WireFaultSpec } from './fault-proxy.js';
import { sharedCluster } from './shared.js';
import type { AccessEntry, TokenReviewRecord } from './webhook-authenticator.js';

export type TargetKind = 'emulator' | 'cluster';

export interface KubeTarget {
  kind: TargetKind;
  url: string;
  /** Kubeconfig text; for the cluster its current context is `admin` (a `deployer` context is there too). */
  kubeconfig: string;
  caCert?: string;
  writeKubeconfig(path: string, options?: { namespace?: string; context?: 'admin' | 'deployer' }): Promise<void>;
  /** A namespace name of this suite's own (the cluster is shared by the whole run). */
  namespace(base: string): string;
  serviceUrl(namespace: string, name: string, port?: number): Promise<string>;
  injectFault(spec: FaultSpec): Promise<void>;
  clearFaults(): Promise<void>;
  setImageMode(imageSubstring: string, mode: ImageMode): Promise<void>;
  /** Every request recorded so far (the cluster: those through its fault proxy). */
  requests(): Promise<RecordedRequest[]>;
  /** EKS tokens: the STS to verify them with, and the role → groups mapping. */
  configureAuthenticator(options: { stsHost: string; accessEntries: AccessEntry[] }): Promise<void>;
  /** Forgets the change history: watches from older resourceVersions get an ERROR 410 event (the cluster: of ConfigMaps). */
  compact(): Promise<void>;
  /** The cluster's webhook authenticator's decisions so far (never the tokens). */
  tokenReviews(): Promise<TokenReviewRecord[]>;
  /** The emulator, when this target is one. */
  emulator?: KubeEmulator;
  /** Stops the emulator; on the cluster, deletes this suite's namespaces. */
  cleanup(): Promise<void>;
}

/** Which targets a parametrised suite runs on: both, unless SUNDAY_KUBE_TARGETS narrows it (e.g. `emulator`). */
export function kubeTargets(): TargetKind[] {
  const wanted = (process.env.SUNDAY_KUBE_TARGETS ?? 'emulator,cluster').split(',').map((name) => name.trim());
  return (['emulator', 'cluster'] as const).filter((kind) => wanted.includes(kind));
}

export async function startTarget(kind: TargetKind, emulatorOptions: KubeEmulatorOptions = {}): Promise<KubeTarget> {
  return kind === 'emulator' ? emulatorTarget(await startKubeEmulator({ strict: true, ...emulatorOptions })) : clusterTarget();
}

function emulatorTarget(emulator: KubeEmulator): KubeTarget {
  return {
    kind: 'emulator',
    url: emulator.url,
    kubeconfig: emulator.kubeconfig,
    caCert: emulator.caCert,
    writeKubeconfig: (path, options) => emulator.writeKubeconfig(path, { namespace: options?.namespace }),
    namespace: (base) => base,
    serviceUrl: (namespace, name, port) => emulator.serviceUrl(namespace, name, port),
    injectFault: async (spec) => void emulator.injectFault(spec),
    clearFaults: async () => emulator.clearFaults(),
    setImageMode: async (substring, mode) => emulator.setImageMode(substring, mode),
    requests: async () => emulator.requests,
    configureAuthenticator: async () => {
      throw new Error('the emulator checks tokens with its tokenCheck option');
    },
    tokenReviews: async () => [],
    compact: async () => emulator.store.compact(),
    emulator,
    cleanup: () => emulator.stop(),
  };
}

let suiteCounter = 0;

async function clusterTarget(): Promise<KubeTarget> {
  const state = await sharedCluster();
  const kubeconfig = readFileSync(state.kubeconfig, 'utf8');
  const config = parse(kubeconfig) as {
    clusters: Array<{ cluster: { 'certificate-authority-data': string } }>;
    users: Array<{ name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }>;
    contexts: Array<{ name: string; context: { namespace?: string } }>;
    'current-context': string;
  };
  const caCert = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  const admin = config.users.find((user) => user.name === 'admin')!.user;
  const agent = new Agent({ ca: caCert, cert: Buffer.from(admin['client-certificate-data'], 'base64'), key: Buffer.from(admin['client-key-data'], 'base64'), keepAlive: true });
  const call = (method: string, path: string, body?: unknown, retried = false): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const request = httpsRequest(`${state.url}${path}`, { method, agent, headers: { 'content-type': 'application/json' } }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed as idle just as we reused it ("socket hang up",
        // ECONNRESET; seen twice in the chaos test's polling): the request never reached the
        // server, so it is sent once more on a new socket (Node's documented reusedSocket retry).
        if (request.reusedSocket && !retried && (error.code === 'ECONNRESET' || error.message === 'socket hang up')) resolve(call(method, path, body, true));
        else reject(error);
      });
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const control = async (method: string, name: string, body?: unknown) => {
    const answer = await call(method, `/fault-proxy/v1/${name}`, body);
    if (answer.status >= 300) throw new Error(`cluster control ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  // Namespaces are per suite: several workers share the cluster.
  const suffix = `${process.pid.toString(36)}${(suiteCounter++).toString(36)}`;
  const created: string[] = [];
  const namespace = (base: string) => {
    const name = `${base}-${suffix}`.slice(0, 63);
    if (!created.includes(name)) created.push(name);
    return name;
  };
  const withContext = (options: { namespace?: string; context?: 'admin' | 'deployer' } = {}) => {
    const copy = structuredClone(config);
    for (const context of copy.contexts) context.context.namespace = options.namespace ?? 'default';
    copy['current-context'] = options.context ?? 'admin';
    return stringify(copy);
  };
  return {
    kind: 'cluster',
    url: state.url,
    kubeconfig,
    caCert,
    writeKubeconfig: (path, options) => writeFile(path, withContext(options), { mode: 0o600 }),
    namespace,
    serviceUrl: async (ns, name, port) => ((await control('GET', `services/${ns}/${name}${port ? `?port=${port}` : ''}`)) as { url: string }).url,
    injectFault: async (spec) => {
      const { path, ...rest } = spec;
      // Owned by this suite: its clearFaults must not cancel the faults of a suite on the other worker.
      const wire: WireFaultSpec = { ...rest, owner: suffix, path: path instanceof RegExp ? { regexp: path.source, flags: path.flags } : path };
      await control('POST', 'faults', wire);
    },
    clearFaults: async () => void (await control('DELETE', `faults?owner=${suffix}`)),
    setImageMode: async (substring, mode) => void (await control('POST', 'image-modes', { substring, mode })),
    requests: async () => (await control('GET', 'requests')) as RecordedRequest[],
    configureAuthenticator: async (options) => void (await control('POST', 'authenticator', options)),
    compact: async () => void (await control('POST', 'compact')),
    tokenReviews: async () => ((await control('GET', 'authenticator')) as { reviews: TokenReviewRecord[] }).reviews,
    cleanup: async () => {
      for (const name of created) await call('DELETE', `/api/v1/namespaces/${name}`);
      agent.destroy();
    },
  };
}
