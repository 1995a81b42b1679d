/**
 * The scheduler and kubelet in one: a pod is bound to the one node, its container "starts" (a
 * serving pod's HTTP server, see pods.ts), becomes ready (after its readinessProbe's httpGet passes,
 * when it has one), and a run-to-completion pod (restartPolicy Never/OnFailure) ends Succeeded or
 * Failed. The image's failure mode decides what goes wrong.
 */
import { get } from 'node:http';
import { imageBehaviour, type PodRuntime } from '../pods.js';
import { deepClone, timestamp, type Condition, type ImageMode, type KubeObject } from '../types.js';
import { TYPES, isPodReady, save, setCondition, type ControllerContext } from './context.js';

export const NODE_NAME = 'kube-emulator';

export interface KubeletOptions {
  runtime: PodRuntime;
  modeOf(image: string): ImageMode;
  /** How long a `slow` image takes to start, in ms. */
  slowStartMs: number;
  /** How often a crash-looping container restarts, in ms. */
  crashLoopMs: number;
}

function probe(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 500) < 400);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

export function podConditions(previous: Condition[] | undefined, ready: boolean, completed = false): Condition[] {
  let conditions = setCondition(previous, { type: 'PodScheduled', status: 'True' });
  conditions = setCondition(conditions, { type: 'Initialized', status: 'True' });
  const reason = completed ? { reason: 'PodCompleted' } : ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' };
  conditions = setCondition(conditions, { type: 'ContainersReady', status: ready ? 'True' : 'False', ...reason });
  return setCondition(conditions, { type: 'Ready', status: ready ? 'True' : 'False', ...reason });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- container statuses are JSON
export function containerStatuses(pod: KubeObject, state: Record<string, unknown>, ready: boolean, extra: Record<string, unknown> = {}): any[] {
  return (pod.spec?.containers ?? []).map((c: { name: string; image: string }) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    state,
    ready,
    restartCount: 0,
    started: 'running' in state,
    ...extra,
  }));
}

export async function runKubelet(context: ControllerContext, options: KubeletOptions, startedAt: Map<string, number>): Promise<void> {
  const pods = context.store.list(TYPES.pods);
  const alive = new Set(pods.map((p) => p.metadata.uid!));
  for (const uid of options.runtime.uids()) if (!alive.has(uid)) options.runtime.stop(uid);
  for (const uid of startedAt.keys()) if (!alive.has(uid)) startedAt.delete(uid);
  await Promise.all(pods.map((pod) => stepPod(context, options, startedAt, pod)));
}

async function stepPod(context: ControllerContext, options: KubeletOptions, startedAt: Map<string, number>, pod: KubeObject): Promise<void> {
  const uid = pod.metadata.uid!;
  const image: string = pod.spec?.containers?.[0]?.image ?? '';
  const mode = options.modeOf(image);
  const serving = (pod.spec?.restartPolicy ?? 'Always') === 'Always';
  const phase: string = pod.status?.phase ?? 'Pending';
  const next = deepClone(pod);
  next.status ??= {};
  const now = context.now();

  if (!pod.spec?.nodeName) {
    next.spec.nodeName = NODE_NAME;
    next.status = { ...next.status, phase: 'Pending', hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], startTime: timestamp() };
    next.status.conditions = setCondition(undefined, { type: 'PodScheduled', status: 'True' });
    next.status.containerStatuses = containerStatuses(pod, { waiting: { reason: 'ContainerCreating' } }, false);
    startedAt.set(uid, now);
    save(context, TYPES.pods, pod, next);
    return;
  }
  if (phase === 'Succeeded' || phase === 'Failed') return;

  if (!imageBehaviour.serves(mode)) {
    const since = startedAt.get(uid) ?? now;
    const restarts = Math.max(1, Math.floor((now - since) / options.crashLoopMs));
    next.status.phase = serving ? 'Running' : 'Failed';
    next.status.conditions = podConditions(pod.status?.conditions, false, !serving);
    next.status.containerStatuses = containerStatuses(pod, serving ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container' } } : { terminated: { exitCode: 1, reason: 'Error' } }, false, {
      restartCount: serving ? restarts : 0,
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    if (serving) context.wakeAt(since + (restarts + 1) * options.crashLoopMs);
    save(context, TYPES.pods, pod, next);
    return;
  }

  if (phase === 'Pending') {
    const scheduledAt = startedAt.get(uid) ?? now;
    if (imageBehaviour.startsLate(mode) && now - scheduledAt < options.slowStartMs) {
      context.wakeAt(scheduledAt + options.slowStartMs);
      return;
    }
    if (serving) await options.runtime.start(uid, pod.metadata.name!, image);
    next.status.phase = 'Running';
    next.status.podIP = '127.0.0.1';
    next.status.podIPs = [{ ip: '127.0.0.1' }];
    next.status.conditions = podConditions(pod.status?.conditions, false);
    next.status.containerStatuses = containerStatuses(pod, { running: { startedAt: timestamp() } }, false);
    save(context, TYPES.pods, pod, next);
    return;
  }

  if (!serving) {
    // A run-to-completion container has run once it was seen running: it ends now, by its mode.
    const outcome = imageBehaviour.completion(mode);
    if (!outcome) return;
    const failed = outcome === 'Failed';
    next.status.phase = outcome;
    next.status.conditions = podConditions(pod.status?.conditions, false, true);
    const terminated = { exitCode: failed ? 1 : 0, reason: failed ? 'Error' : 'Completed', startedAt: pod.status?.containerStatuses?.[0]?.state?.running?.startedAt, finishedAt: timestamp() };
    next.status.containerStatuses = containerStatuses(pod, { terminated }, false);
    save(context, TYPES.pods, pod, next);
    return;
  }

  const port = options.runtime.port(uid) ?? (await options.runtime.start(uid, pod.metadata.name!, image));
  const readiness = pod.spec?.containers?.[0]?.readinessProbe;
  let ready = imageBehaviour.canBeReady(mode);
  if (ready && readiness?.httpGet) ready = await probe(port, readiness.httpGet.path ?? '/', (readiness.timeoutSeconds ?? 1) * 1000);
  if (ready === isPodReady(pod)) return;
  next.status.conditions = podConditions(pod.status?.conditions, ready);
  next.status.containerStatuses = (next.status.containerStatuses ?? []).map((s: Record<string, unknown>) => ({ ...s, ready }));
  save(context, TYPES.pods, pod, next);
}
