/**
 * The deployment and replicaset controllers. A Deployment's pod template gets a ReplicaSet named by
 * its `pod-template-hash`; a rolling update brings the new ReplicaSet to full size at once, then
 * scales the old ones to zero when the new one is available (Recreate empties the old ones first).
 * Status and conditions follow the real controller's fields, including ProgressDeadlineExceeded.
 */
import { createHash } from 'node:crypto';
import { randomSuffix } from '../defaults.js';
import { deepClone, deepEqual, timestamp, type Condition, type KubeObject } from '../types.js';
import { TYPES, conditionOf, createOwned, isOwnedBy, isPodReady, ownerReference, save, setCondition, withoutZeros, type ControllerContext } from './context.js';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A pod template as the controller compares it: without nulls (`creationTimestamp: null`) and without its pod-template-hash label. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([key, v]) => v !== null && v !== undefined && key !== 'pod-template-hash');
    return Object.fromEntries(entries.map(([key, v]) => [key, comparable(v)]));
  }
  return value;
}

/** A short, stable name for a pod template, in the API server's alphabet for generated names. */
export function templateHash(template: unknown): string {
  const digits = String(createHash('sha256').update(stableJson(comparable(template))).digest().readUInt32BE(0));
  return [...digits].map((d) => SAFE[d.charCodeAt(0) % SAFE.length]).join('');
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}

/** `25%` of 4 → 1 (rounded down, as maxUnavailable is). */
function resolveCount(value: unknown, total: number): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(String(value ?? ''));
  return percent ? Math.floor((total * Number(percent[1])) / 100) : 0;
}

/** Progress memory per Deployment uid: what it looked like and when that last changed. */
export type ProgressMemory = Map<string, { fingerprint: string; atMs: number }>;

export function reconcileDeployment(context: ControllerContext, deployment: KubeObject, progress: ProgressMemory): void {
  const { store } = context;
  const namespace = deployment.metadata.namespace!;
  const spec = deployment.spec ?? {};
  const replicas: number = spec.replicas ?? 1;
  const hash = templateHash(spec.template);
  const recreate = spec.strategy?.type === 'Recreate';
  let owned = store.list(TYPES.replicasets, namespace).filter((rs) => isOwnedBy(rs, deployment));
  // The new ReplicaSet: the one made for this template, or (after a rollback) an older one whose
  // template equals it, hash label aside, as the real controller finds it.
  let current =
    owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash) ?? owned.find((rs) => deepEqual(comparable(rs.spec?.template), comparable(spec.template)));
  const maxRevision = Math.max(0, ...owned.map(revisionOf));
  const oldSets = owned.filter((rs) => rs !== current);
  const oldPodsLeft = oldSets.some((rs) => (rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0);
  const desiredNew = recreate && oldPodsLeft ? 0 : replicas;
  let createdNew = false;

  if (!spec.paused) {
    if (!current) {
      const labels = { ...spec.template?.metadata?.labels, 'pod-template-hash': hash };
      current = createOwned(context, TYPES.replicasets, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${deployment.metadata.name}-${hash}`,
          namespace,
          labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(replicas),
            'deployment.kubernetes.io/max-replicas': String(replicas + resolveCount(spec.strategy?.rollingUpdate?.maxSurge ?? '25%', replicas)),
            'deployment.kubernetes.io/revision': String(maxRevision + 1),
          },
          ownerReferences: [ownerReference(deployment)],
        },
        spec: {
          replicas: desiredNew,
          minReadySeconds: spec.minReadySeconds ?? 0,
          selector: { ...spec.selector, matchLabels: { ...spec.selector?.matchLabels, 'pod-template-hash': hash } },
          template: { ...deepClone(spec.template), metadata: { ...spec.template?.metadata, labels } },
        },
      });
      createdNew = true;
    } else {
      const next = deepClone(current);
      next.spec.replicas = desiredNew;
      next.metadata.annotations = { ...next.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(replicas) };
      if (revisionOf(current) < maxRevision) next.metadata.annotations['deployment.kubernetes.io/revision'] = String(maxRevision + 1);
      current = save(context, TYPES.replicasets, current, next);
    }
    const newAvailable: number = current.status?.availableReplicas ?? 0;
    for (const old of oldSets) {
      const target = recreate || newAvailable >= replicas ? 0 : old.spec?.replicas ?? 0;
      if ((old.spec?.replicas ?? 0) !== target) save(context, TYPES.replicasets, old, { ...old, spec: { ...old.spec, replicas: target } });
    }
    owned = store.list(TYPES.replicasets, namespace).filter((rs) => isOwnedBy(rs, deployment));
  }
  updateDeploymentStatus(context, deployment, owned, current, createdNew, progress);
}

function updateDeploymentStatus(context: ControllerContext, deployment: KubeObject, owned: KubeObject[], current: KubeObject | undefined, createdNew: boolean, progress: ProgressMemory): void {
  const spec = deployment.spec ?? {};
  const replicas: number = spec.replicas ?? 1;
  const sum = (field: string) => owned.reduce((total, rs) => total + (rs.status?.[field] ?? 0), 0);
  const counts = {
    replicas: sum('replicas'),
    updatedReplicas: current?.status?.replicas ?? 0,
    readyReplicas: sum('readyReplicas'),
    availableReplicas: sum('availableReplicas'),
  };
  const rsName = current?.metadata.name ?? '';
  const uid = deployment.metadata.uid!;
  const fingerprint = JSON.stringify([rsName, counts, deployment.metadata.generation]);
  const now = context.now();
  const remembered = progress.get(uid);
  const progressed = !remembered || remembered.fingerprint !== fingerprint;
  if (progressed) progress.set(uid, { fingerprint, atMs: now });
  const since = progress.get(uid)!.atMs;

  const rolling = spec.strategy?.type !== 'Recreate';
  const maxUnavailable = rolling ? resolveCount(spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas) : 0;
  let conditions: Condition[] | undefined = deployment.status?.conditions;
  const available = counts.availableReplicas >= replicas - maxUnavailable;
  conditions = setCondition(conditions, {
    type: 'Available',
    status: available ? 'True' : 'False',
    lastUpdateTime: timestamp(),
    reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
    message: available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
  });

  const complete = counts.updatedReplicas === replicas && counts.replicas === replicas && counts.availableReplicas === replicas;
  const previous = conditionOf(deployment, 'Progressing');
  const deadlineMs = (spec.progressDeadlineSeconds ?? 600) * context.secondMs;
  if (spec.paused) {
    conditions = setCondition(conditions, { type: 'Progressing', status: 'Unknown', lastUpdateTime: timestamp(), reason: 'DeploymentPaused', message: 'Deployment is paused' });
  } else if (complete) {
    conditions = setCondition(conditions, { type: 'Progressing', status: 'True', lastUpdateTime: timestamp(), reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` });
  } else if (progressed) {
    const reason = createdNew ? 'NewReplicaSetCreated' : 'ReplicaSetUpdated';
    const message = createdNew ? `Created new replica set "${rsName}"` : `ReplicaSet "${rsName}" is progressing.`;
    conditions = setCondition(conditions, { type: 'Progressing', status: 'True', lastUpdateTime: timestamp(), reason, message }, true);
    context.wakeAt(since + deadlineMs);
  } else if (previous?.reason !== 'ProgressDeadlineExceeded') {
    if (now - since >= deadlineMs) {
      conditions = setCondition(conditions, { type: 'Progressing', status: 'False', lastUpdateTime: timestamp(), reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` });
    } else context.wakeAt(since + deadlineMs);
  }
  // The real controller lists Available first once both exist.
  conditions.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));

  // The controller also marks the Deployment with its current revision (kubectl rollout undo patches it).
  const revision = current ? current.metadata.annotations?.['deployment.kubernetes.io/revision'] : undefined;
  const metadata = revision ? { ...deployment.metadata, annotations: { ...deployment.metadata.annotations, 'deployment.kubernetes.io/revision': revision } } : deployment.metadata;
  const status = {
    observedGeneration: deployment.metadata.generation,
    ...withoutZeros({ ...counts, unavailableReplicas: Math.max(0, replicas - counts.availableReplicas) }),
    conditions,
  };
  save(context, TYPES.deployments, deployment, { ...deployment, metadata, status });
}

export function reconcileReplicaSet(context: ControllerContext, replicaSet: KubeObject): void {
  const { store } = context;
  const namespace = replicaSet.metadata.namespace!;
  const pods = store.list(TYPES.pods, namespace).filter((p) => isOwnedBy(p, replicaSet) && !p.metadata.deletionTimestamp);
  const desired: number = replicaSet.spec?.replicas ?? 1;
  const template = replicaSet.spec?.template ?? {};
  for (let i = pods.length; i < desired; i++) {
    pods.push(
      createOwned(context, TYPES.pods, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${replicaSet.metadata.name}-${randomSuffix()}`,
          namespace,
          labels: { ...template.metadata?.labels },
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ownerReferences: [ownerReference(replicaSet)],
        },
        spec: deepClone(template.spec ?? {}),
      }),
    );
  }
  if (pods.length > desired) {
    // Not-ready pods go first, then the youngest, as the real controller ranks them.
    const ranked = [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
    for (const doomed of ranked.slice(0, pods.length - desired)) {
      store.remove(TYPES.pods, namespace, doomed.metadata.name!);
      pods.splice(pods.indexOf(doomed), 1);
    }
  }
  const ready = pods.filter(isPodReady).length;
  const status = {
    ...withoutZeros({ fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready }),
    replicas: pods.length,
    observedGeneration: replicaSet.metadata.generation,
  };
  save(context, TYPES.replicasets, replicaSet, { ...replicaSet, status });
}
