/**
 * Traffic: the stable Service's selector and its audit annotations, changed in one write. A write
 * carries the resourceVersion it was computed from, so a concurrent change makes it fail with 409
 * and it is recomputed from a fresh read — never applied over something it did not see.
 */
import { KubeApiError, type Cluster } from './kube.js';
import { ANNOTATIONS, baseSelector, cleanForApply, colorSelector, selectorPatch, type Color, type KubeObject } from './model.js';

export interface RunInfo {
  revision: string;
  actor: string;
  runUrl: string;
}

export interface SwitchRequest {
  namespace: string;
  service: string;
  /** The colour to select, or an exact selector to restore (rolling a migration back). */
  target: { color: Color } | { selector: Record<string, string>; label: string };
  previous: string;
  image: string;
  run: RunInfo;
  /** The Service from the manifests: created from it when missing; its ports are applied. */
  manifest?: KubeObject;
  /** Extra annotations (e.g. the selector before the first switch). */
  annotations?: Record<string, string>;
}

const SWITCH_ATTEMPTS = 6;

function annotationsFor(request: SwitchRequest, active: string): Record<string, string> {
  return {
    [ANNOTATIONS.activeColor]: active,
    [ANNOTATIONS.previousColor]: request.previous,
    [ANNOTATIONS.image]: request.image,
    [ANNOTATIONS.revision]: request.run.revision,
    [ANNOTATIONS.deployedBy]: request.run.actor,
    [ANNOTATIONS.runUrl]: request.run.runUrl,
    [ANNOTATIONS.deployedAt]: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...request.annotations,
  };
}

/** Points the stable Service at the target; returns the Service as written. */
export async function switchTraffic(cluster: Cluster, request: SwitchRequest): Promise<KubeObject> {
  const ref = { apiVersion: 'v1', kind: 'Service', name: request.service, namespace: request.namespace };
  const active = 'color' in request.target ? request.target.color : 'none';
  for (let attempt = 1; ; attempt++) {
    const live = await cluster.get(ref);
    const base = baseSelector(request.manifest?.spec?.selector ?? live?.spec?.selector);
    const selector = 'color' in request.target ? colorSelector(base, request.target.color) : request.target.selector;
    try {
      if (!live) {
        if (!request.manifest) throw new Error(`Service ${request.namespace}/${request.service} does not exist and is not in the manifests`);
        const clean = cleanForApply(request.manifest);
        return await cluster.create({
          ...clean,
          metadata: { ...clean.metadata, namespace: request.namespace, annotations: { ...clean.metadata.annotations, ...annotationsFor(request, active) } },
          spec: { ...clean.spec, selector },
        });
      }
      const spec: Record<string, unknown> = { selector: selectorPatch(live.spec?.selector, selector) };
      if (request.manifest?.spec?.ports) spec.ports = request.manifest.spec.ports;
      return await cluster.mergePatch(ref, { metadata: { resourceVersion: live.metadata.resourceVersion, annotations: annotationsFor(request, active) }, spec });
    } catch (error) {
      // 409: the Service changed since we read it (or a create raced us): read again and recompute.
      if (error instanceof KubeApiError && error.status === 409 && attempt < SWITCH_ATTEMPTS) continue;
      throw error;
    }
  }
}
