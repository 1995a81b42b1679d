/**
 * The analysis suites' world on either Kubernetes target (test/cluster/target.ts): a namespace of
 * the test's own with the deploy suites' app `web` (Deployment, Service on port `http`), a real
 * Prometheus whose file_sd targets follow the app's pods, a fixed volume of traffic through the
 * Service, and the deploy actions' committed bundles run against it.
 *
 * Where the targets come from: on the real control plane, the Service's EndpointSlices (as
 * Prometheus's `endpointslice` discovery would read them; Debian's build has none), with `pod`
 * from each endpoint's targetRef and `color` from that pod's labels; the emulator writes no
 * EndpointSlices, so there they are the namespace's pods themselves.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../runner/index.js';
import { appManifests } from '../blue-green-deploy/fixture.js';
import { createKubeClient, type KubeClient } from '../cluster/agent/kube-client.js';
import { Informer } from '../cluster/agent/informer.js';
import { startTarget, type KubeTarget, type TargetKind } from '../cluster/target.js';
import { paced, request } from '../deploy/traffic.js';
import { runStep, type StepOptions } from '../harness.js';
import { startPrometheus, type PrometheusServer, type TargetGroup } from '../servers/prometheus/server.js';
import type { ImageMode, KubeObject } from '../servers/kube/types.js';

export const COLOR_LABEL = 'sunday.dev/color';
export const SERVICE = 'web';

/** The file_sd groups for one namespace: one target per endpoint (cluster) or pod (emulator) that has a colour. */
export function endpointSliceTargets(namespace: string, slices: KubeObject[], pods: KubeObject[]): TargetGroup[] {
  const colorOf = new Map(pods.map((pod) => [pod.metadata.name!, pod.metadata.labels?.[COLOR_LABEL]]));
  const groups: TargetGroup[] = [];
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const ports = (slice.ports ?? []) as Array<{ name?: string; port?: number }>;
    const port = ports.find((candidate) => candidate.name === 'http')?.port ?? ports[0]?.port;
    for (const endpoint of (slice.endpoints ?? []) as Array<{ addresses: string[]; targetRef?: { kind?: string; name?: string } }>) {
      const pod = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
      const color = pod ? colorOf.get(pod) : undefined;
      if (port && pod && color) groups.push({ targets: [`${endpoint.addresses[0]}:${port}`], labels: { namespace, pod, color } });
    }
  }
  return groups.sort((a, b) => a.labels.pod.localeCompare(b.labels.pod));
}

/** Where a pod serves: its address on the cluster's pod network (port 8080), or the emulator's loopback port. */
function podUrlOf(target: KubeTarget, namespace: string): (pod: KubeObject) => string | undefined {
  if (target.emulator) return (pod) => target.emulator!.podUrl(namespace, pod.metadata.name!);
  return (pod) => (pod.status?.podIP ? `http://${pod.status.podIP}:8080/` : undefined);
}

interface Following {
  pods: Informer;
  stop(): Promise<void>;
}

/** Keeps Prometheus's targets in step with the namespace (watches, no polling); resolves once the first targets are written. */
async function followTargets(target: KubeTarget, client: KubeClient, namespace: string, prometheus: PrometheusServer): Promise<Following> {
  const podUrl = podUrlOf(target, namespace);
  let written = '';
  // Nothing is written until every informer has listed: a half-known namespace is no target list.
  let listed = false;
  const sync = () => {
    if (!listed) return;
    const groups = slices
      ? endpointSliceTargets(namespace, slices.items(), pods.items())
      : // The emulator: each coloured pod, at the address its runtime listens on.
        pods.items().flatMap((pod) => {
          const url = podUrl(pod);
          const color = pod.metadata.labels?.[COLOR_LABEL];
          return url && color ? [{ targets: [new URL(url).host], labels: { namespace, pod: pod.metadata.name!, color } }] : [];
        });
    const text = JSON.stringify(groups);
    if (text !== written) prometheus.setTargets(groups);
    written = text;
  };
  const pods = new Informer(client, { path: `/api/v1/namespaces/${namespace}/pods` }, sync);
  const slices =
    target.kind === 'cluster'
      ? new Informer(client, { path: `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`, labelSelector: `kubernetes.io/service-name=${SERVICE}` }, sync)
      : undefined;
  await pods.start();
  await slices?.start();
  listed = true;
  sync();
  return {
    pods,
    stop: async () => {
      await slices?.stop();
      await pods.stop();
    },
  };
}

export interface Ground {
  kind: TargetKind;
  namespace: string;
  prometheus: PrometheusServer;
  kube: KubeClient;
  /** canary-deploy's committed bundle, steps without pause. */
  canary(inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  deploy(inputs: Record<string, string>, options?: StepOptions): Promise<RunResult>;
  /** `perSecond` requests through the Service, each on a new connection (so spread over the ready endpoints), until stop(). */
  traffic(perSecond: number): Promise<void>;
  /** `perSecond` requests straight to the pods of one colour, in turn (a staged colour has no Service of its own). */
  colorTraffic(color: string, perSecond: number): void;
  /** The Service's local port: each new connection goes to one ready endpoint. */
  serviceUrl(): Promise<string>;
  /** What the Service serves now, over a new connection. */
  serving(): Promise<string>;
  service(): Promise<KubeObject>;
  replicas(deployment: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** A fresh namespace (a fresh emulator), Prometheus following it, image modes set (image substring → mode; unique names: the cluster is shared). */
export async function startGround(kind: TargetKind, options: { replicas: number; imageModes?: Record<string, ImageMode> }): Promise<Ground> {
  const target = await startTarget(kind, { pace: 0, secondMs: 50 });
  const stops: Array<() => unknown> = [];
  const workspace = mkdtempSync(join(tmpdir(), 'analysis-'));
  stops.push(() => rmSync(workspace, { recursive: true, force: true }), () => target.cleanup());
  try {
    const namespace = target.namespace('analysis');
    const kubeconfig = join(workspace, 'kubeconfig');
    await target.writeKubeconfig(kubeconfig, { namespace });
    const kube = await createKubeClient(kubeconfig, { userAgent: 'sunday-analysis-tests' });
    stops.push(() => kube.close());
    await kube.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    for (const [substring, mode] of Object.entries(options.imageModes ?? {})) await target.setImageMode(substring, mode);
    mkdirSync(join(workspace, 'k8s'));
    writeFileSync(join(workspace, 'k8s', 'app.yaml'), appManifests({ replicas: options.replicas }));
    const prometheus = await startPrometheus({ scrapeIntervalMs: 1000 });
    stops.push(() => prometheus.stop());
    const following = await followTargets(target, kube, namespace, prometheus);
    stops.push(() => following.stop());
    const podUrl = podUrlOf(target, namespace);
    // The Service exists once the first deploy has applied it.
    let serviceUrl: string | undefined;
    const service = async () => (serviceUrl ??= await target.serviceUrl(namespace, SERVICE));
    // The cluster's first rollouts are slow on a busy machine; the emulator's take a second.
    const step = (action: string, defaults: Record<string, string>) => (inputs: Record<string, string>, stepOptions: StepOptions = {}) =>
      runStep(action, {
        workspace,
        timeoutMs: 170_000,
        ...stepOptions,
        inputs: { app: 'web', namespace, manifests: 'k8s', kubeconfig, 'scale-down-delay': '0s', 'rollout-timeout': kind === 'cluster' ? '90s' : '20s', ...defaults, ...inputs },
      });
    return {
      kind,
      namespace,
      prometheus,
      kube,
      canary: step('canary-deploy', { 'step-pause': '0s' }),
      deploy: step('blue-green-deploy', {}),
      async traffic(perSecond) {
        const url = await service();
        stops.push(paced(perSecond, () => void request(url).catch(() => undefined)));
      },
      colorTraffic(color, perSecond) {
        let turn = 0;
        const send = () => {
          const urls = following.pods.items().flatMap((pod) => (pod.metadata.labels?.[COLOR_LABEL] === color ? [podUrl(pod)] : [])).filter((url): url is string => url !== undefined);
          if (urls.length) void request(urls[turn++ % urls.length]).catch(() => undefined);
        };
        stops.push(paced(perSecond, send));
      },
      serviceUrl: service,
      serving: async () => request(await service()),
      service: () => kube.get(`/api/v1/namespaces/${namespace}/services/${SERVICE}`),
      replicas: async (name) => (await kube.find(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`))?.spec?.replicas as number | undefined,
      stop: async () => {
        for (const stop of stops.splice(0).reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
}
