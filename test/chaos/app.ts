/**
 * One app in a namespace of its own on a KubeTarget, for the chaos test: its workspace (manifests),
 * an admin kubeconfig, a deploy as the runner runs it, and what the cluster holds, read with kubectl.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../runner/index.js';
import { appManifests } from '../blue-green-deploy/fixture.js';
import type { KubeTarget } from '../cluster/target.js';
import { runStep, type StepOptions } from '../harness.js';
import { kubectlFor } from '../kube/helpers.js';

export type DeployAction = 'blue-green-deploy' | 'canary-deploy';
export type Color = 'blue' | 'green';

/**
 * A Deployment `web` (2 replicas, a 1 s readiness probe) and its Service: the deploy suites' app,
 * without its ConfigMap (kill points are the Nth request of a run: the same requests as before).
 */
const MANIFESTS = appManifests({ readinessProbe: true, configMap: false });

export interface ReleaseView {
  revision: number;
  image: string;
  stage: string;
  color: string;
}

/** What the cluster holds for the app: the colour the Service selects, its release record, each colour's replicas and image, the Lease. */
export interface AppView {
  serving?: Color;
  live?: ReleaseView;
  replicas: Record<Color, number | undefined>;
  images: Record<Color, string | undefined>;
  leaseHolder?: string;
}

/** The fields of a Service, Deployment or Lease the chaos test reads. */
interface Item {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: { replicas?: number; selector?: Record<string, string>; holderIdentity?: string; template?: { spec?: { containers?: Array<{ image?: string }> } } };
}

export interface ChaosApp {
  namespace: string;
  deploy(action: DeployAction, inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  view(): Promise<AppView>;
  /** The Lease a killed run left, as it is once its 30 s ran out (the next run takes it over). */
  expireLease(): Promise<void>;
  /**
   * A `request` kill point the run ended before reaching leaves its hang armed: requests in the
   * namespace (short-lived, here) go to it until one hangs and times out, so no later call sticks.
   */
  disarmHang(): Promise<void>;
  /** Deletes the namespace (without waiting) and the workspace. */
  remove(): Promise<void>;
}

export async function createApp(target: KubeTarget, base: string): Promise<ChaosApp> {
  const namespace = target.namespace(base);
  const workspace = mkdtempSync(join(tmpdir(), 'chaos-'));
  mkdirSync(join(workspace, 'k8s'));
  writeFileSync(join(workspace, 'k8s', 'app.yaml'), MANIFESTS);
  const kubeconfig = join(workspace, 'kubeconfig');
  await target.writeKubeconfig(kubeconfig, { namespace });
  const kubectl = kubectlFor(kubeconfig).run;
  const created = await kubectl(['create', 'namespace', namespace]);
  if (created.code !== 0) throw new Error(`create namespace ${namespace}: ${created.stderr}`);
  /** The objects named (`kind/name`), in one kubectl call; undefined for those that do not exist. */
  const getAll = async (names: string[]) => {
    const result = await kubectl(['get', ...names, '-o', 'json', '--ignore-not-found']);
    if (result.code !== 0) throw new Error(`kubectl get ${names.join(' ')}: ${result.stderr}`);
    const items: Item[] = result.stdout.trim() ? (JSON.parse(result.stdout).items ?? []) : [];
    return names.map((name) => items.find((item) => `${item.kind.toLowerCase()}/${item.metadata.name}` === name));
  };
  return {
    namespace,
    deploy: (action, inputs, options = {}) =>
      runStep(action, {
        workspace,
        timeoutMs: 120_000,
        ...options,
        inputs: { app: 'web', namespace, manifests: 'k8s', kubeconfig, 'rollout-timeout': '300s', ...(action === 'canary-deploy' ? { 'step-pause': '0s', steps: '50,100' } : {}), ...inputs },
      }),
    view: async () => {
      const [service, blue, green, lease] = await getAll(['service/web', 'deployment/web-blue', 'deployment/web-green', 'lease/web-deploy']);
      const record = service?.metadata?.annotations?.['sunday.dev/release'];
      const color = service?.spec?.selector?.['sunday.dev/color'];
      return {
        serving: color === 'blue' || color === 'green' ? color : undefined,
        live: record ? (JSON.parse(record) as ReleaseView) : undefined,
        replicas: { blue: blue?.spec?.replicas, green: green?.spec?.replicas },
        images: { blue: blue?.spec?.template?.spec?.containers?.[0]?.image, green: green?.spec?.template?.spec?.containers?.[0]?.image },
        leaseHolder: lease?.spec?.holderIdentity,
      };
    },
    expireLease: async () => {
      const patch = JSON.stringify({ spec: { renewTime: '2020-01-01T00:00:00.000000Z', acquireTime: '2020-01-01T00:00:00.000000Z' } });
      const result = await kubectl(['patch', 'lease', 'web-deploy', '--type', 'merge', '-p', patch]);
      if (result.code !== 0 && !/NotFound|not found/.test(result.stderr)) throw new Error(`expire the lease: ${result.stderr}`);
    },
    disarmHang: async () => {
      for (let i = 0; i < 200; i++) if ((await kubectl(['get', 'configmaps', '-o', 'name', '--request-timeout=2s'])).code !== 0) return;
      throw new Error(`the hang armed in ${namespace} never fired`);
    },
    remove: async () => {
      // Its pods would keep the target busy (probes) for the rest of the test.
      await kubectl(['delete', 'namespace', namespace, '--wait=false']);
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
