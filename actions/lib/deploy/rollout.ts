/** Deployment rollouts: available as kubectl rollout status judges it, and scaling. */
import type { Cluster } from './kube.js';
import type { KubeObject } from './model.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** True once the controller has rolled out the current spec and every replica is available. */
export function isAvailable(deployment: KubeObject | undefined): boolean {
  if (!deployment) return false;
  const status = deployment.status ?? {};
  const wanted = deployment.spec?.replicas ?? 1;
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1) &&
    (status.updatedReplicas ?? 0) === wanted &&
    (status.replicas ?? 0) === wanted &&
    (status.availableReplicas ?? 0) >= wanted
  );
}

/** Why a rollout will not finish (ProgressDeadlineExceeded), or undefined. */
export function rolloutFailure(deployment: KubeObject | undefined): string | undefined {
  if (!deployment) return 'the Deployment was deleted';
  const progressing = (deployment.status?.conditions ?? []).find((c: Condition) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded' && (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1)) {
    return `ProgressDeadlineExceeded: ${progressing.message ?? 'the rollout made no progress'}`;
  }
  return undefined;
}

export async function waitAvailable(cluster: Cluster, namespace: string, name: string, timeoutMs: number): Promise<KubeObject> {
  try {
    return await cluster.waitFor(
      { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace },
      `Deployment ${name} to become available`,
      timeoutMs,
      (deployment) => (isAvailable(deployment) ? deployment : undefined),
      (deployment) => {
        const failure = rolloutFailure(deployment);
        return failure && `Deployment ${name} failed to roll out: ${failure}`;
      },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}${await podProblems(cluster, namespace, name)}`, { cause: error });
  }
}

/** What the staged pods say about themselves, to put in a rollout failure. */
async function podProblems(cluster: Cluster, namespace: string, deployment: string): Promise<string> {
  const live = await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, namespace }).catch(() => undefined);
  const selector = Object.entries(live?.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  if (!selector) return '';
  const pods = await cluster.list('v1', 'Pod', namespace, selector).catch(() => [] as KubeObject[]);
  const reasons = new Set<string>();
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const waiting = status.state?.waiting;
      if (waiting?.reason) reasons.add(`${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
      else if (!status.ready) reasons.add(`container ${status.name} not ready (${status.restartCount ?? 0} restarts)`);
    }
  }
  return reasons.size ? ` — pods: ${[...reasons].slice(0, 3).join('; ')}` : '';
}

export async function scaleDeployment(cluster: Cluster, namespace: string, name: string, replicas: number): Promise<void> {
  await cluster.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace }, { spec: { replicas } });
}
