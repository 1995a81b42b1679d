/**
 * An app (Deployment + Service `web` with a readiness probe) in a namespace of its own on either
 * Kubernetes target, with the deploy actions run as the runner runs them (the committed bundles)
 * and kubectl as the admin to look at what they left. The deploy core's suites of test/deploy and
 * test/timeouts use it to run the same assertions on the emulator and on the real control plane.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../runner/index.js';
import { startTarget, type KubeTarget, type TargetKind } from '../cluster/target.js';
import { runStep, type StepOptions } from '../harness.js';
import { kubectlFor } from '../kube/helpers.js';
import type { KubeObject } from '../servers/kube/types.js';
import type { ImageMode } from '../servers/kube/types.js';

export const APP_MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: sunday/web:v0
        ports: [ { containerPort: 8080 } ]
        readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web, labels: { app: web } }
spec: { selector: { app: web }, ports: [ { name: http, port: 80, targetPort: 8080 } ] }
`;

export interface AppOnTarget {
  target: KubeTarget;
  namespace: string;
  workspace: string;
  /** blue-green-deploy with this app's defaults (scale-down-delay 0s, rollout-timeout 60s). */
  deploy(inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  canary(inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** An object as the admin reads it, or undefined when it does not exist. */
  get(kind: string, name: string): Promise<KubeObject | undefined>;
  list(kind: string, selector?: string): Promise<KubeObject[]>;
  stop(): Promise<void>;
}

export async function startApp(kind: TargetKind, name: string, imageModes: Record<string, ImageMode> = {}): Promise<AppOnTarget> {
  const target = await startTarget(kind, kind === 'emulator' ? { pace: 0, secondMs: 50 } : {});
  const namespace = target.namespace(name);
  const workspace = mkdtempSync(join(tmpdir(), `${name}-`));
  mkdirSync(join(workspace, 'k8s'));
  writeFileSync(join(workspace, 'k8s', 'app.yaml'), APP_MANIFESTS);
  const kubeconfig = join(workspace, 'kubeconfig');
  await target.writeKubeconfig(kubeconfig, { namespace });
  const kubectl = kubectlFor(kubeconfig).run;
  for (const [substring, mode] of Object.entries(imageModes)) await target.setImageMode(substring, mode);
  const created = await kubectl(['create', 'namespace', namespace]);
  if (created.code !== 0) throw new Error(created.stderr);
  const inputs = (extra: Record<string, string>) => ({ app: 'web', namespace, manifests: 'k8s', kubeconfig, 'scale-down-delay': '0s', 'rollout-timeout': '60s', ...extra });
  const get = async (kindName: string, objectName: string) => {
    const result = await kubectl(['get', kindName, objectName, '-n', namespace, '-o', 'json']);
    if (result.code !== 0) {
      if (/NotFound/.test(result.stderr)) return undefined;
      throw new Error(result.stderr);
    }
    return JSON.parse(result.stdout) as KubeObject;
  };
  return {
    target,
    namespace,
    workspace,
    deploy: (extra, options = {}) => runStep('blue-green-deploy', { workspace, timeoutMs: 150_000, ...options, inputs: inputs(extra) }),
    canary: (extra, options = {}) => runStep('canary-deploy', { workspace, timeoutMs: 150_000, ...options, inputs: { 'step-pause': '0s', ...inputs(extra) } }),
    kubectl: (args, input) => kubectl(args, input),
    get,
    list: async (kindName, selector) => {
      const result = await kubectl(['get', kindName, '-n', namespace, '-o', 'json', ...(selector ? ['-l', selector] : [])]);
      if (result.code !== 0) throw new Error(result.stderr);
      return (JSON.parse(result.stdout) as { items: KubeObject[] }).items;
    },
    stop: async () => {
      await target.clearFaults().catch(() => undefined);
      await target.cleanup();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
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
