/**
 * The real Kubernetes control plane on this machine: etcd, kube-apiserver, kube-controller-manager
 * and kube-scheduler built from source (build/), our node agent in place of the kubelet and
 * kube-proxy (agent/), a webhook token authenticator that verifies EKS tokens against the local
 * STS, and the fault proxy whose URL the kubeconfig names. `startCluster()` starts it all in
 * seconds with the binaries cached; `stop()` ends every process it started and removes its data
 * folder. Needs root (the pod network is a network namespace) and iproute2. See README.md.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { isImageMode, type ImageMode } from '../servers/kube/types.js';
import { createCertificateAuthority, issueCertificate, type IssuedCertificate } from '../servers/kube/tls.js';
import type { NodeAgent } from './agent/index.js';
import { binaryDir, KUBERNETES_VERSION } from './build/versions.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { clusterKubeconfig, type KubeconfigUser } from './kubeconfig.js';
import { createPodNetwork, type PodNetwork } from './network/index.js';
import { freePort, makeDataDir, removeStaleRuns, Supervisor, type Supervised } from './processes.js';
import { startWebhookAuthenticator, webhookConfigFile, type AccessEntry, type WebhookAuthenticator } from './webhook-authenticator.js';

/** The group the deploy identity is in, whichever way it authenticates (certificate or EKS token). */
export const DEPLOYER_GROUP = 'sunday:deployers';
export const DEPLOYER_USER = 'sunday-deployer';
export const NODE_NAME = 'sunday-node';
/** The EKS cluster name `k8s-aws-v1.` tokens must be signed for. */
export const EKS_CLUSTER_NAME = 'sunday-production';
const SERVICE_CIDR = '10.96.0.0/16';
/** Controllers of things no test here makes (volumes, CSRs, node TTLs): off, for a faster start. */
const UNUSED_CONTROLLERS = [
  'persistentvolume-binder-controller',
  'persistentvolume-attach-detach-controller',
  'persistentvolume-expander-controller',
  'persistentvolume-protection-controller',
  'persistentvolumeclaim-protection-controller',
  'ephemeral-volume-controller',
  'certificatesigningrequest-approving-controller',
  'certificatesigningrequest-cleaner-controller',
  'certificatesigningrequest-signing-controller',
  'legacy-serviceaccount-token-cleaner-controller',
  'ttl-controller',
];

export interface ClusterOptions {
  /** Where the binaries are; default the build cache. */
  binDir?: string;
  /** IAM role → Kubernetes user and groups for EKS tokens; default: none. */
  accessEntries?: AccessEntry[];
  /** `host:port` of the STS the EKS tokens' URLs may name; can be set later with `configureAuthenticator`. */
  stsHost?: string;
  faultImages?: Record<string, ImageMode>;
  /** Progress lines (start-up steps and their times). */
  log?: (line: string) => void;
}

export interface Cluster {
  /** The fault proxy's URL: what the kubeconfig names. */
  url: string;
  /** kube-apiserver's own URL (no faults, no request record). */
  apiServerUrl: string;
  /** Kubeconfig text with contexts `admin` (current) and `deployer`. */
  kubeconfig: string;
  caCert: string;
  writeKubeconfig(path: string, options?: { namespace?: string; context?: 'admin' | 'deployer' }): Promise<void>;
  proxy: FaultProxy;
  authenticator: WebhookAuthenticator;
  agent: NodeAgent;
  network: PodNetwork;
  dataDir: string;
  /** Seconds each start-up step took. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

function pem(keyPair: ReturnType<typeof generateKeyPairSync>) {
  return {
    privateKey: keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: keyPair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** One HTTPS GET with a client certificate; resolves with the status (0 when nothing answers). */
function get(url: string, caCert: string, identity: IssuedCertificate): Promise<number> {
  return new Promise((resolve) => {
    const request = httpsRequest(url, { ca: caCert, cert: identity.cert, key: identity.key, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => request.destroy());
    request.end();
  });
}

/** Compacts etcd's history up to now (its JSON gateway): older resourceVersions are gone. */
async function compactEtcd(etcdUrl: string): Promise<{ revision: string }> {
  const post = async (path: string, body: unknown) => (await fetch(`${etcdUrl}${path}`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<{ header: { revision: string } }>;
  const { revision } = (await post('/v3/kv/range', { key: Buffer.from('/').toString('base64') })).header;
  await post('/v3/kv/compaction', { revision, physical: true });
  return { revision };
}

/**
 * Waits until `probe` resolves true, checking every 100 ms, or fails when `deadlineMs` passes or a
 * process it depends on has died (its log tail in the message): a start-up step never hangs.
 */
async function until(what: string, probe: () => Promise<boolean>, deadlineMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const failure = failed();
    if (failure) throw new Error(`cluster: ${what}: ${failure}`);
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`cluster: timed out after ${deadlineMs / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const bin = (name: string) => join(options.binDir ?? binaryDir(), name);
  const started = Date.now();
  const timings: Record<string, number> = {};
  const mark = (step: string) => {
    timings[step] = Math.round((Date.now() - started) / 100) / 10;
    log(`${step} (${timings[step]} s)`);
  };
  removeStaleRuns();
  const dataDir = makeDataDir();
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dataDir, { recursive: true, force: true })];
  let died: Supervised | undefined;
  const supervisor = new Supervisor(dataDir, (process) => (died ??= process));
  cleanups.push(() => supervisor.stopAll());
  // The Go programs allocate much while they boot; collecting less often saves CPU on a busy
  // 2-core machine (memory is not short here). An explicit GOGC in the environment wins.
  const goEnv = { ...process.env, GOGC: process.env.GOGC ?? '400' };
  const startGo = (name: string, binary: string, args: string[]) => supervisor.start(name, binary, args, goEnv);
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    // etcd needs nothing else: it starts first. Meanwhile the pod network (a dozen `ip` calls) and
    // the webhook authenticator are set up side by side.
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    mkdirSync(join(dataDir, 'etcd'));
    startGo('etcd', bin('etcd'), [
      '--name=sunday',
      `--data-dir=${join(dataDir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=sunday=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync', // a throwaway store: durability buys nothing here
      '--log-level=warn',
    ]);
    const networkReady = createPodNetwork().then((network) => (cleanups.push(() => network.remove()), network));
    const authenticatorReady = startWebhookAuthenticator({ clusterName: EKS_CLUSTER_NAME, stsHost: options.stsHost, accessEntries: options.accessEntries ?? [] }).then(
      (authenticator) => (cleanups.push(() => authenticator.stop()), authenticator),
    );
    const [network, authenticator] = await Promise.all([networkReady, authenticatorReady]);
    mark('etcd started, pod network');

    // Certificates: one CA for serving and client certificates, as kubeadm's cluster CA.
    const ca = createCertificateAuthority('sunday-cluster-ca');
    const serving = issueCertificate(ca, {
      commonName: 'kube-apiserver',
      usages: ['server'],
      ips: ['127.0.0.1', network.hostAddress, SERVICE_CIDR.replace(/0\/16$/, '1')],
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    });
    const client = (commonName: string, organizations: string[] = []) => issueCertificate(ca, { commonName, organizations, usages: ['client'] });
    const admin = client('sunday-admin', ['system:masters']);
    const deployer = client(DEPLOYER_USER, [DEPLOYER_GROUP]);
    const controllerManager = client('system:kube-controller-manager');
    const scheduler = client('system:kube-scheduler');
    const serviceAccountKey = pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
    const file = (name: string, text: string) => {
      const path = join(dataDir, name);
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    };
    const caFile = file('ca.crt', ca.cert);

    const apiServerUrl = `https://127.0.0.1:${apiPort}`;
    const kubeconfigFile = (name: string, identity: IssuedCertificate) => file(`${name}.kubeconfig`, clusterKubeconfig(apiServerUrl, ca.cert, [{ name, credentials: identity }]));
    // Started together: the API server waits for etcd, the others for the API server, by themselves.
    startGo('kube-apiserver', bin('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--advertise-address=${network.hostAddress}`,
      `--tls-cert-file=${file('apiserver.crt', serving.cert)}`,
      `--tls-private-key-file=${file('apiserver.key', serving.key)}`,
      `--client-ca-file=${caFile}`,
      '--authorization-mode=RBAC',
      `--authentication-token-webhook-config-file=${file('webhook.kubeconfig', webhookConfigFile(authenticator.url))}`,
      '--authentication-token-webhook-version=v1',
      '--authentication-token-webhook-cache-ttl=5s',
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${file('sa.pub', serviceAccountKey.publicKey)}`,
      `--service-account-signing-key-file=${file('sa.key', serviceAccountKey.privateKey)}`,
      '--allow-privileged=true',
      '--profiling=false',
      `--cert-dir=${join(dataDir, 'apiserver-certs')}`,
      // ConfigMaps are watched from etcd, not from the watch cache, so `compact()` can make a
      // resourceVersion too old at will (tests of the 410 ERROR event); the rest stays cached.
      '--watch-cache-sizes=configmaps#0',
      // Pods of a namespace made a moment ago would be refused until the controller-manager has
      // made its `default` ServiceAccount, and the ReplicaSet controller's growing back-off then
      // delayed a first rollout by minutes on a busy machine. The node agent mounts no tokens.
      '--disable-admission-plugins=ServiceAccount',
      // API Priority and Fairness writes its bootstrap configuration at start and gates readiness
      // on it; requests here are few, and the fault proxy gives the 429s tests need.
      '--enable-priority-and-fairness=false',
    ]);
    startGo('kube-controller-manager', bin('kube-controller-manager'), [
      `--kubeconfig=${kubeconfigFile('controller-manager', controllerManager)}`,
      '--secure-port=0',
      '--leader-elect=false',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${join(dataDir, 'sa.key')}`,
      `--root-ca-file=${caFile}`,
      '--profiling=false',
      // Each controller gets its own client (and ServiceAccount and token) as it starts, one after
      // the other; at the default 20 requests/s those starts took ~4 s of the start-up.
      '--kube-api-qps=500',
      '--kube-api-burst=1000',
      // No volumes, no CSRs, no node TTL annotations here: those controllers only cost start-up.
      `--controllers=${['*', ...UNUSED_CONTROLLERS.map((name) => `-${name}`)].join(',')}`,
    ]);
    startGo('kube-scheduler', bin('kube-scheduler'), [`--kubeconfig=${kubeconfigFile('scheduler', scheduler)}`, '--secure-port=0', '--leader-elect=false', '--profiling=false']);
    // The agent's module loads @kubernetes/client-node (seconds on a busy machine, on this thread):
    // loaded while the control plane boots rather than before it starts.
    const agentModule = import('./agent/index.js');
    agentModule.catch(() => undefined); // awaited below, where a failure is reported
    const anyDied = () => (died ? `${died.name} exited (${died.exit?.code ?? died.exit?.signal}):\n${supervisor.tail(died)}` : undefined);
    await until('kube-apiserver /readyz', async () => (await get(`${apiServerUrl}/readyz`, ca.cert, admin)) === 200, 60_000, anyDied);
    mark('kube-apiserver ready');

    const directAdmin = clusterKubeconfig(apiServerUrl, ca.cert, [{ name: 'admin', credentials: admin }]);
    const { startNodeAgent } = await agentModule;
    mark('node agent loaded');
    const agent = await startNodeAgent({ kubeconfig: directAdmin, nodeName: NODE_NAME, network, faultImages: options.faultImages });
    cleanups.push(() => agent.stop());
    mark('node agent registered');

    const proxy = await startFaultProxy({
      upstream: apiServerUrl,
      caCert: ca.cert,
      serving: issueCertificate(ca, { commonName: 'fault-proxy', usages: ['server'], ips: ['127.0.0.1'], dnsNames: ['localhost'] }),
      identities: [admin, deployer],
      controls: {
        'image-modes': ({ body }) => {
          const { substring, mode } = body as { substring: string; mode: ImageMode };
          if (!isImageMode(mode)) throw new Error(`unknown image mode ${mode}`);
          agent.setImageMode(substring, mode);
          return {};
        },
        services: async ({ rest, query }) => ({ url: await agent.serviceUrl(rest[0], rest[1], query.get('port') ? Number(query.get('port')) : undefined) }),
        compact: () => compactEtcd(`http://127.0.0.1:${etcdClient}`),
        authenticator: ({ method, body }) => {
          if (method === 'POST') authenticator.configure(body as object);
          return { options: authenticator.options, reviews: authenticator.reviews };
        },
      },
    });
    cleanups.push(() => proxy.stop());

    // The controller-manager works once the default ServiceAccount exists (pods need it to be admitted).
    await until('kube-controller-manager (the default ServiceAccount)', async () => (await get(`${apiServerUrl}/api/v1/namespaces/default/serviceaccounts/default`, ca.cert, admin)) === 200, 60_000, anyDied);
    mark('kube-controller-manager working');

    const users = (namespace?: string): KubeconfigUser[] => [
      { name: 'admin', credentials: admin, namespace },
      { name: 'deployer', credentials: deployer, namespace },
    ];
    const kubeconfig = clusterKubeconfig(proxy.url, ca.cert, users());
    return {
      url: proxy.url,
      apiServerUrl,
      kubeconfig,
      caCert: ca.cert,
      writeKubeconfig: (path, opts = {}) => writeFile(path, clusterKubeconfig(proxy.url, ca.cert, users(opts.namespace), opts.context ?? 'admin'), { mode: 0o600 }),
      proxy,
      authenticator,
      agent,
      network,
      dataDir,
      timings,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { KUBERNETES_VERSION };
