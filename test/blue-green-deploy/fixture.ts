/**
 * The deploy suites' stage (blue-green-deploy, canary-deploy, and the deploy core's suites of
 * test/deploy and test/timeouts): a Kubernetes target — the emulator or the real control plane,
 * behind one `KubeTarget` surface —, a namespace on it, a workspace with the app's manifests, and
 * helpers to deploy and to look. Everything the tests read or change goes through the API as the
 * admin identity (or real kubectl, where the point is how kubectl leaves an object); the actions
 * run as the deploy identity: on the real cluster the `deployer`, holding exactly the published
 * Role (blue-green-deploy/rbac.yaml) in the namespace.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { RunResult } from '../../runner/index.js';
import { type KubeTarget, type TargetKind, startTarget } from '../cluster/target.js';
import { adminClient, type AdminClient, type Kind } from '../deploy/admin-client.js';
import { eventuallyOnly, request } from '../deploy/traffic.js';
import { repoRoot, runStep, type StepOptions } from '../harness.js';
import { kubectlFor, type KubectlResult } from '../kube/helpers.js';
import type { FaultSpec } from '../servers/kube/faults.js';
import type { RecordedRequest } from '../servers/kube/http.js';
import type { KubeEmulator, KubeEmulatorOptions } from '../servers/kube/index.js';
import type { ImageMode, KubeObject } from '../servers/kube/types.js';

export interface AppOptions {
  replicas?: number;
  hpa?: boolean;
  pdb?: boolean;
  readinessProbe?: boolean;
  /**
   * A pod that drains: deleted, it serves this long before it stops (`lifecycle.preStop.sleep`),
   * while the EndpointSlices drop it — what zero-downtime guides ask of an app. Without it a
   * scaled-down pod stops at once, and a connection the proxy gave it a moment before fails.
   */
  preStopSeconds?: number;
  progressDeadlineSeconds?: number;
  /** The app's ConfigMap `web-config` (default true); false where a suite counts the deploy's requests. */
  configMap?: boolean;
  extra?: string;
}

export function appManifests(options: AppOptions = {}): string {
  // A short probe period: a real node agent probes as the spec says (the default is 10 s).
  const probe = options.readinessProbe ? '\n        readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 1 }' : '';
  const preStop = options.preStopSeconds ? `\n        lifecycle: { preStop: { sleep: { seconds: ${options.preStopSeconds} } } }` : '';
  const docs = [
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec:
  replicas: ${options.replicas ?? 2}
  progressDeadlineSeconds: ${options.progressDeadlineSeconds ?? 600}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: sunday/web:v0
        ports: [ { containerPort: 8080 } ]${probe}${preStop}`,
    `apiVersion: v1
kind: Service
metadata: { name: web, labels: { app: web } }
spec: { selector: { app: web }, ports: [ { name: http, port: 80, targetPort: 8080 } ] }`,
  ];
  if (options.configMap ?? true) {
    docs.push(`apiVersion: v1
kind: ConfigMap
metadata: { name: web-config }
data: { LOG_LEVEL: info }`);
  }
  if (options.hpa) {
    docs.push(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 6
  metrics: [ { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } } ]`);
  }
  if (options.pdb) {
    docs.push(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web }
spec: { minAvailable: 1, selector: { matchLabels: { app: web } } }`);
  }
  if (options.extra) docs.push(options.extra);
  return docs.join('\n---\n') + '\n';
}

export interface StageOptions {
  /** Behaviours by image substring, e.g. `{ ':never': 'never-ready' }` (on the cluster: shared by the run, so keep substrings distinctive). */
  imageModes?: Record<string, ImageMode>;
  /** Options of the emulator (ignored on the real cluster), e.g. `tokenCheck`. */
  emulator?: KubeEmulatorOptions;
  /** The base of the namespace's name on the real cluster (the emulator keeps `default`). */
  name?: string;
  /** What every deploy and canary run of this stage starts from (its inputs over the stage's defaults), e.g. `{ inputs: { 'rollout-timeout': '60s' } }`. */
  defaults?: StepOptions;
}

/** The deploy core's suites (test/deploy, test/timeouts): real rollouts on either target get a minute, the step 150 s. */
export const SLOW_ROLLOUTS: StepOptions = { timeoutMs: 150_000, inputs: { 'rollout-timeout': '60s' } };

export interface Stage {
  kind: TargetKind;
  target: KubeTarget;
  /** The emulator itself, for emulator-only suites (Prometheus scraping its pods, benchmarks). */
  kube?: KubeEmulator;
  /** Where the app lives: `default` on the emulator, a namespace of this stage's own on the cluster. */
  namespace: string;
  workspace: string;
  /** The deploy identity's kubeconfig (a file in the workspace). */
  kubeconfig: string;
  /** The credentials in that kubeconfig (token, client key), which no log may show. */
  secrets: string[];
  /** Generous bounds on the real cluster, where pods take real seconds. */
  slow: boolean;
  deploy(inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  /** canary-deploy with the same defaults, and no pause between steps unless asked. */
  canary(inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  api: AdminClient;
  object(kind: Kind, name: string): Promise<KubeObject | undefined>;
  list(kind: Kind, selector?: string): Promise<KubeObject[]>;
  service(name?: string): Promise<KubeObject>;
  deployment(name: string): Promise<KubeObject | undefined>;
  /** Sets a Deployment's replicas as an HPA or a person would. */
  scale(name: string, replicas: number): Promise<void>;
  /** Real kubectl as the admin, in the stage's namespace. */
  kubectl(args: string[], input?: string, timeoutMs?: number): Promise<KubectlResult>;
  /** `kubectl apply` (client-side) of manifests, as the admin. */
  apply(manifests: string): Promise<void>;
  /** The app's deploy Lease as if its holder had stopped renewing it long ago (a killed run, later). */
  expireLease(): Promise<void>;
  /** The API requests of this stage so far (on the shared cluster: those naming its namespace). */
  requests(): Promise<RecordedRequest[]>;
  serviceUrl(service?: string): Promise<string>;
  /** What a Service serves now, over a new connection. */
  serving(service?: string): Promise<string>;
  /** Resolves once the Service answers `version` many times in a row (endpoints follow a change a little later on a real cluster). */
  servesOnly(version: string, service?: string): Promise<void>;
  injectFault(spec: FaultSpec): Promise<void>;
  writeManifests(text: string): void;
  stop(): Promise<void>;
}

/** The published Role and its binding, in the namespace `ns`. */
export function publishedRole(ns: string): KubeObject[] {
  const docs = parseAllDocuments(readFileSync(join(repoRoot, 'blue-green-deploy', 'rbac.yaml'), 'utf8')).map((doc) => doc.toJS() as KubeObject);
  for (const doc of docs) doc.metadata.namespace = ns;
  return docs;
}

export async function startStage(kind: TargetKind, options: StageOptions = {}, app: AppOptions = {}): Promise<Stage> {
  const target = await startTarget(kind, { pace: 0, secondMs: 50, ...options.emulator });
  const namespace = kind === 'emulator' ? 'default' : target.namespace(options.name ?? 'deploy');
  const workspace = mkdtempSync(join(tmpdir(), 'bluegreen-'));
  mkdirSync(join(workspace, 'k8s'));
  const writeManifests = (text: string) => writeFileSync(join(workspace, 'k8s', 'app.yaml'), text);
  writeManifests(appManifests(app));
  const kubeconfig = join(workspace, 'kubeconfig');
  const adminConfig = join(workspace, '.admin-kubeconfig');
  await target.writeKubeconfig(adminConfig, { namespace });
  await target.writeKubeconfig(kubeconfig, { namespace, context: 'deployer' });
  const admin = kubectlFor(adminConfig);
  const api = await adminClient(adminConfig, namespace);
  if (kind === 'cluster') {
    const created = await admin.run(['create', 'namespace', namespace]);
    if (created.code !== 0) throw new Error(`create namespace ${namespace}: ${created.stderr}`);
    const applied = await admin.run(['apply', '-f', '-'], publishedRole(namespace).map((doc) => stringify(doc)).join('---\n'));
    if (applied.code !== 0) throw new Error(`the published Role: ${applied.stderr}`);
  }
  for (const [substring, mode] of Object.entries(options.imageModes ?? {})) await target.setImageMode(substring, mode);

  const deployConfig = parse(readFileSync(kubeconfig, 'utf8')) as { users: Array<{ user: Record<string, string> }> };
  const secrets = deployConfig.users.flatMap(({ user }) => [user.token, user['client-key-data'] && Buffer.from(user['client-key-data'], 'base64').toString().split('\n').find((line) => line.length > 40)].filter((s): s is string => !!s));
  const slow = kind === 'cluster';
  const timeoutMs = slow ? 150_000 : undefined;
  const rolloutTimeout = slow ? '60s' : '20s';
  const serviceUrl = (service = 'web') => target.serviceUrl(namespace, service);
  const run = (action: string, own: Record<string, string>) => (inputs: Record<string, string>, step: StepOptions = {}) =>
    runStep(action, {
      workspace,
      timeoutMs,
      ...options.defaults,
      ...step,
      inputs: { app: 'web', namespace, manifests: 'k8s', kubeconfig, 'scale-down-delay': '0s', 'rollout-timeout': rolloutTimeout, ...own, ...options.defaults?.inputs, ...inputs },
    });
  const apply = async (manifests: string) => {
    const result = await admin.run(['apply', '-f', '-'], manifests);
    if (result.code !== 0) throw new Error(`kubectl apply: ${result.stderr}`);
  };

  return {
    kind,
    target,
    kube: target.emulator,
    namespace,
    workspace,
    kubeconfig,
    secrets,
    slow,
    writeManifests,
    deploy: run('blue-green-deploy', {}),
    canary: run('canary-deploy', { 'step-pause': '0s' }),
    api,
    object: (objectKind, name) => api.get(objectKind, name),
    list: (objectKind, selector) => api.list(objectKind, selector),
    service: async (name = 'web') => (await api.get('Service', name))!,
    deployment: (name) => api.get('Deployment', name),
    scale: async (name, replicas) => void (await api.patch('Deployment', name, { spec: { replicas } })),
    kubectl: (args, input, timeoutMs) => admin.run(args, input, timeoutMs),
    apply,
    expireLease: async () => {
      const long = '2020-01-01T00:00:00.000000Z';
      if (await api.get('Lease', 'web-deploy')) await api.patch('Lease', 'web-deploy', { spec: { renewTime: long, acquireTime: long } });
    },
    requests: async () => {
      const all = await target.requests();
      return kind === 'emulator' ? all : all.filter((recorded) => recorded.path.includes(`/namespaces/${namespace}/`) || recorded.path.endsWith(`/namespaces/${namespace}`));
    },
    serviceUrl,
    serving: async (service = 'web') => request(await serviceUrl(service)),
    servesOnly: async (version, service = 'web') => eventuallyOnly(await serviceUrl(service), version),
    injectFault: (spec) => target.injectFault(spec),
    // The workspace holds the kubeconfigs, with credentials: nothing stays in /tmp.
    stop: async () => {
      await api.close();
      await target.cleanup();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/**
 * What runs before a migration: a plain `web-deployment` (v0) behind the Service `web`, no colours,
 * as `kubectl apply` (client-side) leaves it — the last-applied annotation and kubectl's
 * managedFields —; resolves once it has rolled out and v0 answers.
 */
export async function runPlainDeployment(stage: Stage): Promise<void> {
  await stage.apply(appManifests().replace('name: web, labels', 'name: web-deployment, labels'));
  const rolled = await stage.kubectl(['rollout', 'status', 'deployment/web-deployment', '--timeout=60s'], undefined, 70_000);
  if (rolled.code !== 0) throw new Error(`web-deployment did not roll out: ${JSON.stringify(rolled)}`);
  await stage.servesOnly('v0');
}

/** The pods an EndpointSlice list sends traffic to (ready endpoints), by name. */
export function readyTargets(slices: KubeObject[]): string[] {
  return slices.flatMap((slice) => ((slice.endpoints ?? []) as Array<{ conditions?: { ready?: boolean }; targetRef?: { name: string } }>).filter((e) => e.conditions?.ready !== false).map((e) => e.targetRef?.name ?? '?')).sort();
}

/** The timeline of a deploy's summary: its steps, in order. */
export function timelineSteps(summary: string): string[] {
  const section = summary.split('#### Timeline')[1]?.split('####')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Step') && !line.startsWith('| ---'))
    .map((line) => line.split('|')[1].trim());
}
