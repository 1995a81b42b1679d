/**
 * The job controller: pods up to `parallelism` until `completions` succeed (Complete), or more
 * than `backoffLimit` fail (Failed, BackoffLimitExceeded), or `activeDeadlineSeconds` passes
 * (Failed, DeadlineExceeded). CronJobs are stored but never scheduled: Jobs come from them only
 * through `kubectl create job --from=cronjob/…`.
 */
import { randomSuffix } from '../defaults.js';
import { deepClone, timestamp, type Condition, type KubeObject } from '../types.js';
import { TYPES, conditionOf, createOwned, isOwnedBy, isPodReady, ownerReference, save, setCondition, withoutZeros, type ControllerContext } from './context.js';

function finish(context: ControllerContext, job: KubeObject, active: KubeObject[], conditions: Condition[]): Condition[] {
  for (const pod of active) context.store.remove(TYPES.pods, pod.metadata.namespace, pod.metadata.name!);
  return conditions;
}

export function reconcileJob(context: ControllerContext, job: KubeObject, startedAt: Map<string, number>): void {
  const spec = job.spec ?? {};
  const done = ['Complete', 'Failed'].some((type) => conditionOf(job, type)?.status === 'True');
  if (done || spec.suspend) return;
  const uid = job.metadata.uid!;
  const now = context.now();
  if (!startedAt.has(uid)) startedAt.set(uid, now);
  const pods = context.store.list(TYPES.pods, job.metadata.namespace).filter((p) => isOwnedBy(p, job));
  const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
  const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
  const active = pods.filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase));
  const completions: number = spec.completions ?? 1;
  const status = deepClone(job.status ?? {});
  status.startTime ??= timestamp();
  let conditions: Condition[] | undefined = status.conditions;
  const deadlineMs = spec.activeDeadlineSeconds === undefined ? undefined : spec.activeDeadlineSeconds * context.secondMs;

  if (succeeded >= completions) {
    const reason = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', status: 'True', ...reason });
    conditions = finish(context, job, active, setCondition(conditions, { type: 'Complete', status: 'True', ...reason }));
    status.completionTime = timestamp();
    active.length = 0;
  } else if (failed > (spec.backoffLimit ?? 6)) {
    const reason = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', ...reason });
    conditions = finish(context, job, active, setCondition(conditions, { type: 'Failed', status: 'True', ...reason }));
    active.length = 0;
  } else if (deadlineMs !== undefined && now - startedAt.get(uid)! >= deadlineMs) {
    const reason = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', ...reason });
    conditions = finish(context, job, active, setCondition(conditions, { type: 'Failed', status: 'True', ...reason }));
    active.length = 0;
  } else {
    if (deadlineMs !== undefined) context.wakeAt(startedAt.get(uid)! + deadlineMs);
    const wanted = Math.min(spec.parallelism ?? 1, completions - succeeded) - active.length;
    const template = spec.template ?? {};
    for (let i = 0; i < wanted; i++) {
      active.push(
        createOwned(context, TYPES.pods, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${job.metadata.name}-${randomSuffix()}`,
            namespace: job.metadata.namespace,
            labels: { ...template.metadata?.labels },
            ownerReferences: [ownerReference(job)],
          },
          spec: deepClone(template.spec ?? {}),
        }),
      );
    }
  }
  Object.assign(status, withoutZeros({ active: active.length, succeeded, failed }), { ready: active.filter(isPodReady).length, terminating: 0, uncountedTerminatedPods: {} });
  if (!active.length) delete status.active;
  if (conditions?.length) status.conditions = conditions;
  save(context, TYPES.jobs, job, { ...job, status });
}
