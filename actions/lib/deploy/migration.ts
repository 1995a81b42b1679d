/**
 * Migration from a plain Deployment. The stable Service selects the old pods by labels the
 * coloured pods carry too (`app: backend`), so staging a colour would send it live traffic before
 * its gate. Before anything is staged the Service is pinned to the old ReplicaSet's pods by their
 * `pod-template-hash` — the same pods, so traffic stays where it was — and the old Deployment is
 * never touched.
 */
import type { Cluster } from './kube.js';
import { COLOR_LABEL, POD_TEMPLATE_HASH } from './model.js';

/** The Service's selector narrowed to the pods that serve now (those without a colour). */
export async function pinnedSelector(cluster: Cluster, namespace: string, service: string, selector: Record<string, string>): Promise<Record<string, string>> {
  const labelSelector = Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const pods = (await cluster.list('v1', 'Pod', namespace, labelSelector)).filter((pod) => !pod.metadata.labels?.[COLOR_LABEL] && !pod.metadata.deletionTimestamp);
  const hashes = new Set(pods.map((pod) => pod.metadata.labels?.[POD_TEMPLATE_HASH]));
  if (pods.length === 0) return { ...selector, [POD_TEMPLATE_HASH]: 'none' }; // nothing serves now: keep it that way
  if (hashes.has(undefined)) {
    throw new Error(`Cannot migrate ${namespace}/${service}: the pods it selects were not made by a Deployment (no ${POD_TEMPLATE_HASH} label)`);
  }
  if (hashes.size > 1) {
    throw new Error(`Cannot migrate ${namespace}/${service}: the pods it selects belong to ${hashes.size} ReplicaSets (a rollout in progress?); run again once it has finished`);
  }
  return { ...selector, [POD_TEMPLATE_HASH]: [...hashes][0]! };
}
