/**
 * The pre-deploy Job (e.g. the database backup): created from a CronJob exactly as
 * `kubectl create job --from=cronjob/<name>` does, or from a Job manifest, and awaited by watch.
 * It must succeed before anything else changes.
 */
import type { Cluster } from './kube.js';
import { cleanForApply, type KubeObject } from './model.js';
import type { PreDeployJob } from './inputs.js';

function suffix(): string {
  return Date.now().toString(36).slice(-6);
}

/** A Job as kubectl makes it from a CronJob: its jobTemplate, an owner reference, the manual annotation. */
export function jobFromCronJob(cronJob: KubeObject, namespace: string, name: string): KubeObject {
  const template = cronJob.spec?.jobTemplate ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace,
      labels: template.metadata?.labels,
      annotations: { ...template.metadata?.annotations, 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cronJob.metadata.name, uid: cronJob.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: template.spec,
  };
}

function condition(job: KubeObject | undefined, type: string): { status?: string; reason?: string; message?: string } | undefined {
  return (job?.status?.conditions ?? []).find((c: { type: string; status: string }) => c.type === type && c.status === 'True');
}

/** Runs the pre-deploy Job: from the CronJob `spec` names, or `manifest` (read and checked with the inputs). */
export async function runPreDeployJob(cluster: Cluster, spec: PreDeployJob, manifest: KubeObject | undefined, namespace: string, timeoutMs: number): Promise<string> {
  let job: KubeObject;
  if (spec.kind === 'cronjob') {
    const cronJob = await cluster.get({ apiVersion: 'batch/v1', kind: 'CronJob', name: spec.name, namespace });
    if (!cronJob) throw new Error(`pre-deploy-job: CronJob ${namespace}/${spec.name} does not exist`);
    job = jobFromCronJob(cronJob, namespace, `${spec.name}-${suffix()}`.slice(0, 63));
  } else {
    if (!manifest) throw new Error(`pre-deploy-job: ${spec.path} was not read`);
    const clean = cleanForApply(manifest);
    // A Job's spec is immutable: each run gets its own name, so a re-run never collides.
    job = { ...clean, metadata: { ...clean.metadata, name: `${clean.metadata.name}-${suffix()}`.slice(0, 63), namespace } };
  }
  await cluster.create(job);
  const name = job.metadata.name;
  await cluster.waitFor(
    { apiVersion: 'batch/v1', kind: 'Job', name, namespace },
    `Job ${name} to complete`,
    timeoutMs,
    (current) => (condition(current, 'Complete') ? true : undefined),
    (current) => {
      if (!current) return `Job ${name} was deleted before it completed`;
      const failed = condition(current, 'Failed');
      return failed ? `pre-deploy Job ${name} failed: ${failed.reason ?? 'Failed'}${failed.message ? ` (${failed.message})` : ''}` : undefined;
    },
  );
  return name;
}
