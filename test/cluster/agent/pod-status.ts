/**
 * What a kubelet reads from a pod spec and writes to its status, as pure functions: the ports its
 * server listens on, its readiness probe with the spec's defaults, the probe's threshold counting,
 * and the status it reports (phase, conditions, addresses, container statuses). The condition and
 * container-status shapes are the emulator's (test/servers/kube/controllers/kubelet.ts), so both
 * targets report pods alike.
 */
import { containerStatuses, podConditions } from '../../servers/kube/controllers/kubelet.js';
import { timestamp, type Condition, type KubeObject } from '../../servers/kube/types.js';

interface ContainerSpec {
  name: string;
  image: string;
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  readinessProbe?: ProbeSpec;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
}

interface ProbeSpec {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface HttpProbe {
  path: string;
  port: number;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

function containers(pod: KubeObject): ContainerSpec[] {
  return pod.spec?.containers ?? [];
}

/** A run-to-completion pod (a Job's): restartPolicy Never or OnFailure. */
export function runsToCompletion(pod: KubeObject): boolean {
  return (pod.spec?.restartPolicy ?? 'Always') !== 'Always';
}

/** The image of the pod's first container: the one whose mode decides how the pod behaves. */
export function podImage(pod: KubeObject): string {
  return containers(pod)[0]?.image ?? '';
}

/** Resolves a probe's port: a number, or the name of a container port. */
function resolvePort(pod: KubeObject, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  for (const container of containers(pod)) for (const p of container.ports ?? []) if (p.name === port) return p.containerPort;
  return undefined;
}

/**
 * How long a deleted pod keeps serving before it stops: its container's `lifecycle.preStop.sleep`
 * (beta and on by default since Kubernetes 1.30), bounded by the pod's grace period (30 s by
 * default), in API seconds. 0 without one: the pod stops at once, as an app that exits on SIGTERM.
 */
export function preStopSleepMs(pod: KubeObject, secondMs = 1000): number {
  const seconds = containers(pod)[0]?.lifecycle?.preStop?.sleep?.seconds ?? 0;
  const grace = (pod.spec?.terminationGracePeriodSeconds as number | undefined) ?? 30;
  return Math.max(0, Math.min(seconds, grace)) * secondMs;
}

/** The first container's readinessProbe.httpGet with the API's defaults; undefined when it has none. */
export function readinessProbeOf(pod: KubeObject, secondMs = 1000): HttpProbe | undefined {
  const probe = containers(pod)[0]?.readinessProbe;
  if (!probe?.httpGet) return undefined;
  const port = resolvePort(pod, probe.httpGet.port);
  return {
    path: probe.httpGet.path || '/',
    // An unresolvable named port makes every probe fail, as on a kubelet.
    port: port ?? 0,
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * secondMs,
    periodMs: (probe.periodSeconds ?? 10) * secondMs,
    timeoutMs: (probe.timeoutSeconds ?? 1) * secondMs,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

/** The TCP ports a pod's server listens on: every container port, the readiness probe's, else 80. */
export function listenPorts(pod: KubeObject): number[] {
  const ports = new Set<number>();
  for (const container of containers(pod)) for (const p of container.ports ?? []) if ((p.protocol ?? 'TCP') === 'TCP') ports.add(p.containerPort);
  const probe = readinessProbeOf(pod);
  if (probe && probe.port > 0) ports.add(probe.port);
  if (ports.size === 0) ports.add(80);
  return [...ports];
}

/** Counts consecutive probe results against the thresholds; a container starts unready. */
export class Readiness {
  ready = false;
  private successes = 0;
  private failures = 0;

  constructor(
    private readonly successThreshold: number,
    private readonly failureThreshold: number,
  ) {}

  /** Records one probe result; true when readiness changed. */
  observe(passed: boolean): boolean {
    const before = this.ready;
    if (passed) {
      this.failures = 0;
      this.successes++;
      if (this.successes >= this.successThreshold) this.ready = true;
    } else {
      this.successes = 0;
      this.failures++;
      if (this.failures >= this.failureThreshold) this.ready = false;
    }
    return before !== this.ready;
  }
}

/** Where a pod's container is in its life, as the agent tracks it. */
export type ContainerStage =
  | { stage: 'creating' }
  | { stage: 'running'; startedAt: string; ready: boolean; restarts?: number }
  | { stage: 'crashing'; restarts: number; lastStartedAt?: string; lastFinishedAt?: string }
  | { stage: 'terminated'; outcome: 'Succeeded' | 'Failed'; startedAt?: string; finishedAt: string };

export interface PodAddresses {
  hostIP: string;
  podIP?: string;
  startTime: string;
}

/** The pod's status as a kubelet reports it through the status subresource. */
export function podStatus(pod: KubeObject, container: ContainerStage, addresses: PodAddresses): Record<string, unknown> {
  const previous = pod.status?.conditions as Condition[] | undefined;
  const base = {
    hostIP: addresses.hostIP,
    hostIPs: [{ ip: addresses.hostIP }],
    ...(addresses.podIP ? { podIP: addresses.podIP, podIPs: [{ ip: addresses.podIP }] } : {}),
    startTime: addresses.startTime,
  };
  switch (container.stage) {
    case 'creating':
      return { ...base, phase: 'Pending', conditions: podConditions(previous, false), containerStatuses: containerStatuses(pod, { waiting: { reason: 'ContainerCreating' } }, false) };
    case 'running':
      return {
        ...base,
        phase: 'Running',
        conditions: podConditions(previous, container.ready),
        containerStatuses: containerStatuses(pod, { running: { startedAt: container.startedAt } }, container.ready, container.restarts ? { restartCount: container.restarts } : {}),
      };
    case 'crashing': {
      const lastState = { terminated: { exitCode: 1, reason: 'Error', ...(container.lastStartedAt ? { startedAt: container.lastStartedAt } : {}), finishedAt: container.lastFinishedAt ?? timestamp() } };
      const waiting = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' } };
      return { ...base, phase: 'Running', conditions: podConditions(previous, false), containerStatuses: containerStatuses(pod, waiting, false, { restartCount: container.restarts, lastState }) };
    }
    case 'terminated': {
      const failed = container.outcome === 'Failed';
      const terminated = { exitCode: failed ? 1 : 0, reason: failed ? 'Error' : 'Completed', ...(container.startedAt ? { startedAt: container.startedAt } : {}), finishedAt: container.finishedAt };
      return { ...base, phase: container.outcome, conditions: podConditions(previous, false, true), containerStatuses: containerStatuses(pod, { terminated }, false) };
    }
  }
}
