/**
 * One deploy per app at a time: a coordination.k8s.io/v1 Lease `<app>-deploy`, taken by create,
 * renewed while the run lasts, released at the end. A run that finds it held waits — watching the
 * Lease, and waking when it would expire — up to `lock-timeout`, then fails naming the holder.
 */
import { KubeApiError, type Cluster } from './kube.js';
import type { KubeObject } from './model.js';

const LEASE_SECONDS = 30;

export interface Lock {
  holder: string;
  release(): Promise<void>;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function expiresAt(lease: KubeObject): number {
  const renewed = Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? '');
  return (Number.isNaN(renewed) ? 0 : renewed) + (lease.spec?.leaseDurationSeconds ?? LEASE_SECONDS) * 1000;
}

export async function acquireLock(cluster: Cluster, namespace: string, app: string, holder: string, timeoutMs: number, log: (line: string) => void): Promise<Lock> {
  const name = `${app}-deploy`;
  const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name, namespace };
  const deadline = Date.now() + timeoutMs;
  const spec = () => ({ holderIdentity: holder, leaseDurationSeconds: LEASE_SECONDS, acquireTime: microTime(new Date()), renewTime: microTime(new Date()) });
  let announced = false;
  for (;;) {
    try {
      await cluster.create({ ...ref, metadata: { name, namespace, labels: { 'sunday.dev/app': app } }, spec: spec() });
      break;
    } catch (error) {
      if (!(error instanceof KubeApiError) || error.status !== 409) throw error;
    }
    const lease = await cluster.get(ref);
    if (!lease) continue; // released between our create and get
    if (lease.spec?.holderIdentity === holder || expiresAt(lease) <= Date.now()) {
      // Ours from an earlier attempt, or abandoned: take it over, guarded by its resourceVersion.
      try {
        await cluster.replace({ ...ref, metadata: { ...lease.metadata }, spec: spec() });
        break;
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 409) continue;
        throw error;
      }
    }
    const remaining = deadline - Date.now();
    const heldBy = `${lease.spec?.holderIdentity ?? 'unknown'} (since ${lease.spec?.acquireTime ?? 'unknown'})`;
    if (remaining <= 0) throw new Error(`Another deploy of ${app} holds the lock ${namespace}/${name}: ${heldBy}; waited ${Math.round(timeoutMs / 1000)}s (lock-timeout)`);
    if (!announced) log(`Waiting up to ${Math.round(remaining / 1000)}s for the lock ${namespace}/${name}, held by ${heldBy}`);
    announced = true;
    const wake = Math.max(50, Math.min(remaining, expiresAt(lease) - Date.now() + 50));
    const version = lease.metadata.resourceVersion;
    await cluster
      .waitFor(ref, `the lock ${name} to be released`, wake, (current) => (!current || current.metadata.resourceVersion !== version ? true : undefined))
      .catch(() => undefined); // woke at the lease's expiry or our deadline: look again
  }
  log(`Took the lock ${namespace}/${name}`);
  const renewal = setInterval(() => {
    void cluster.mergePatch(ref, { spec: { renewTime: microTime(new Date()) } }).catch(() => undefined);
  }, (LEASE_SECONDS * 1000) / 3);
  renewal.unref();
  return {
    holder,
    async release() {
      clearInterval(renewal);
      const lease = await cluster.get(ref).catch(() => undefined);
      if (lease?.spec?.holderIdentity === holder) await cluster.delete(ref).catch(() => undefined);
    },
  };
}
