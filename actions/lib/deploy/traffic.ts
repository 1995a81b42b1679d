/**
 * Traffic: the stable Service's selector and its annotations, changed in one write. A write
 * carries the resourceVersion it was computed from, so a concurrent change makes it fail with 409
 * and it is recomputed from a fresh read — never applied over something it did not see.
 */
import { KubeApiError, type Cluster } from './kube.js';
import { cleanForApply, selectorPatch, type KubeObject } from './model.js';

export interface SwitchRequest {
  namespace: string;
  service: string;
  /** The exact selector to set. */
  selector: Record<string, string>;
  /** Merged into the Service's annotations; null removes one. */
  annotations: Record<string, string | null>;
  /** The Service from the manifests: created from it when missing; its ports are applied. */
  manifest?: KubeObject;
}

const SWITCH_ATTEMPTS = 6;

/** Sets the stable Service's selector and annotations; returns the Service as written. */
export async function switchTraffic(cluster: Cluster, request: SwitchRequest): Promise<KubeObject> {
  const ref = { apiVersion: 'v1', kind: 'Service', name: request.service, namespace: request.namespace };
  for (let attempt = 1; ; attempt++) {
    const live = await cluster.get(ref);
    try {
      if (!live) {
        if (!request.manifest) throw new Error(`Service ${request.namespace}/${request.service} does not exist and is not in the manifests`);
        const clean = cleanForApply(request.manifest);
        const annotations = Object.fromEntries(Object.entries(request.annotations).filter(([, value]) => value !== null));
        return await cluster.create({
          ...clean,
          metadata: { ...clean.metadata, namespace: request.namespace, annotations: { ...clean.metadata.annotations, ...annotations } },
          spec: { ...clean.spec, selector: request.selector },
        });
      }
      const spec: Record<string, unknown> = { selector: selectorPatch(live.spec?.selector, request.selector) };
      if (request.manifest?.spec?.ports) spec.ports = request.manifest.spec.ports;
      return await cluster.mergePatch(ref, { metadata: { resourceVersion: live.metadata.resourceVersion, annotations: request.annotations }, spec });
    } catch (error) {
      // 409: the Service changed since we read it (or a create raced us): read again and recompute.
      if (error instanceof KubeApiError && error.status === 409 && attempt < SWITCH_ATTEMPTS) continue;
      throw error;
    }
  }
}
