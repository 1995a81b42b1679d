/** A local cluster (the Kubernetes emulator), a workspace with the app's manifests, and helpers to deploy. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../runner/index.js';
import { runStep, type StepOptions } from '../harness.js';
import { startKubeEmulator, type KubeEmulator, type KubeEmulatorOptions, type KubeObject } from '../servers/kube/index.js';

export interface AppOptions {
  replicas?: number;
  hpa?: boolean;
  pdb?: boolean;
  readinessProbe?: boolean;
  progressDeadlineSeconds?: number;
  extra?: string;
}

export function appManifests(options: AppOptions = {}): string {
  const probe = options.readinessProbe ? '\n        readinessProbe: { httpGet: { path: /, port: 8080 } }' : '';
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
        ports: [ { containerPort: 8080 } ]${probe}`,
    `apiVersion: v1
kind: Service
metadata: { name: web, labels: { app: web } }
spec: { selector: { app: web }, ports: [ { name: http, port: 80, targetPort: 8080 } ] }`,
    `apiVersion: v1
kind: ConfigMap
metadata: { name: web-config }
data: { LOG_LEVEL: info }`,
  ];
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

/**
 * The one place the deploy tests (blue-green-deploy and canary-deploy) get their cluster from:
 * a target other than the emulator plugs in here.
 */
export interface Stage {
  kube: KubeEmulator;
  workspace: string;
  kubeconfig: string;
  deploy(inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  /** canary-deploy with the same defaults, and no pause between steps unless asked. */
  canary(inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  /** The app's deploy Lease as if its holder had stopped renewing it long ago (a killed run, later). */
  expireLease(): void;
  /** What the stable Service `web` serves now, over a new connection. */
  serving(service?: string): Promise<string>;
  service(): KubeObject;
  deployment(name: string): KubeObject | undefined;
  writeManifests(text: string): void;
  stop(): Promise<void>;
}

export async function startStage(options: KubeEmulatorOptions = {}, app: AppOptions = {}): Promise<Stage> {
  const kube = await startKubeEmulator({ pace: 0, secondMs: 50, ...options });
  const workspace = mkdtempSync(join(tmpdir(), 'bluegreen-'));
  mkdirSync(join(workspace, 'k8s'));
  const writeManifests = (text: string) => writeFileSync(join(workspace, 'k8s', 'app.yaml'), text);
  writeManifests(appManifests(app));
  const kubeconfig = join(workspace, 'kubeconfig');
  await kube.writeKubeconfig(kubeconfig);
  return {
    kube,
    workspace,
    kubeconfig,
    writeManifests,
    deploy: (inputs, step = {}) =>
      runStep('blue-green-deploy', {
        workspace,
        ...step,
        inputs: { app: 'web', manifests: 'k8s', kubeconfig, 'scale-down-delay': '0s', 'rollout-timeout': '20s', ...inputs },
      }),
    canary: (inputs, step = {}) =>
      runStep('canary-deploy', {
        workspace,
        ...step,
        inputs: { app: 'web', manifests: 'k8s', kubeconfig, 'scale-down-delay': '0s', 'rollout-timeout': '20s', 'step-pause': '0s', ...inputs },
      }),
    expireLease: () => {
      const lease = kube.store.get('coordination.k8s.io/v1', 'Lease', 'default', 'web-deploy');
      if (lease) kube.store.put({ ...lease, spec: { ...lease.spec, renewTime: '2020-01-01T00:00:00.000000Z', acquireTime: '2020-01-01T00:00:00.000000Z' } });
    },
    serving: async (service = 'web') => {
      const response = await fetch(await kube.serviceUrl('default', service), { headers: { connection: 'close' } });
      return (await response.text()).trim();
    },
    service: () => kube.store.get('v1', 'Service', 'default', 'web')!,
    deployment: (name) => kube.store.get('apps/v1', 'Deployment', 'default', name),
    // The workspace holds the kubeconfig, with a bearer token in strict mode: nothing stays in /tmp.
    stop: async () => {
      await kube.stop();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** What runs before a migration: a plain `web-deployment` (v0) behind the Service `web`, no colours; resolves once v0 answers. */
export async function runPlainDeployment(stage: Stage): Promise<void> {
  for (const doc of parseAllDocuments(appManifests().replace('name: web, labels', 'name: web-deployment, labels'))) stage.kube.store.put(doc.toJS());
  for (let i = 0; i < 50 && (await stage.serving().catch(() => '')) !== 'v0'; i++) await stage.kube.settle();
}
