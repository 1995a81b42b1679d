/**
 * The blue-green model as pure functions: which colour serves, which is staged, and the coloured
 * copies of the app's objects (Deployment, HPA, PDB, Services). No I/O here.
 */

import { ANNOTATIONS } from './annotations.js';

export type Color = 'blue' | 'green';
export const COLOR_LABEL = 'sunday.dev/color';
export const APP_LABEL = 'sunday.dev/app';


/** The label Kubernetes' Deployment controller puts on each ReplicaSet's pods. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = { apiVersion: string; kind: string; metadata: Record<string, any>; spec?: any; status?: any; [key: string]: any };

export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

export function deploymentName(app: string, color: Color): string {
  return `${app}-${color}`;
}

/** The colour a Service selects, or undefined when its selector has no colour (never switched: a migration). */
export function selectedColor(service: KubeObject | undefined): Color | undefined {
  const color = service?.spec?.selector?.[COLOR_LABEL];
  return color === 'blue' || color === 'green' ? color : undefined;
}

export interface Deployed {
  active?: Color;
  /** The stable Service exists but selects pods with no colour label: the first switch migrates it. */
  migrating: boolean;
  staged: Color;
}

/** The idle colour is staged; blue on the very first deploy. */
export function planColors(service: KubeObject | undefined): Deployed {
  const active = selectedColor(service);
  return { active, migrating: Boolean(service) && !active, staged: active ? otherColor(active) : 'blue' };
}

/** Strips what the server owns, so an object read back or taken from a manifest can be applied. */
export function cleanForApply(object: KubeObject): KubeObject {
  const { status: _status, ...rest } = object;
  const metadata = { ...object.metadata };
  for (const key of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'ownerReferences']) delete metadata[key];
  if (metadata.annotations) {
    metadata.annotations = { ...metadata.annotations };
    delete metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  }
  return { ...rest, metadata };
}

function withColorLabels(labels: Record<string, string> | undefined, app: string, color: Color): Record<string, string> {
  return { ...labels, [APP_LABEL]: app, [COLOR_LABEL]: color };
}

export interface ColoredDeploymentOptions {
  app: string;
  color: Color;
  namespace: string;
  image?: string;
  container?: string;
  replicas?: number;
}

/** `<app>-<color>` from the app's Deployment: colour in its labels, selector and pod labels; the image set. */
export function coloredDeployment(base: KubeObject, options: ColoredDeploymentOptions): KubeObject {
  const { app, color, namespace } = options;
  const clean = cleanForApply(base);
  const spec = structuredClone(clean.spec ?? {});
  spec.selector = { ...spec.selector, matchLabels: { ...spec.selector?.matchLabels, [COLOR_LABEL]: color } };
  spec.template = structuredClone(spec.template ?? {});
  spec.template.metadata = { ...spec.template.metadata, labels: withColorLabels(spec.template.metadata?.labels, app, color) };
  if (options.replicas !== undefined) spec.replicas = options.replicas;
  const containers: Array<{ name: string; image?: string }> = spec.template.spec?.containers ?? [];
  if (options.image) {
    const target = options.container ? containers.find((c) => c.name === options.container) : containers[0];
    if (!target) {
      throw new Error(
        options.container
          ? `Input 'container' names '${options.container}', but the Deployment has ${containers.map((c) => `'${c.name}'`).join(', ') || 'no containers'}`
          : 'The Deployment has no containers to set the image on',
      );
    }
    target.image = options.image;
  }
  return {
    ...clean,
    metadata: {
      ...clean.metadata,
      name: deploymentName(app, color),
      namespace,
      labels: withColorLabels(clean.metadata.labels, app, color),
    },
    spec,
  };
}

/** The image the Deployment's chosen container runs. */
export function deploymentImage(deployment: KubeObject | undefined, container?: string): string | undefined {
  const containers: Array<{ name: string; image?: string }> = deployment?.spec?.template?.spec?.containers ?? [];
  return (container ? containers.find((c) => c.name === container) : containers[0])?.image;
}

/** An HPA that scales the coloured Deployment: renamed `<name>-<color>`, retargeted. */
export function coloredHpa(hpa: KubeObject, app: string, color: Color, namespace: string): KubeObject {
  const clean = cleanForApply(hpa);
  return {
    ...clean,
    metadata: { ...clean.metadata, name: `${hpa.metadata.name}-${color}`, namespace, labels: withColorLabels(clean.metadata.labels, app, color) },
    spec: { ...clean.spec, scaleTargetRef: { ...clean.spec?.scaleTargetRef, kind: 'Deployment', apiVersion: 'apps/v1', name: deploymentName(app, color) } },
  };
}

/** A PDB that protects the coloured pods: renamed `<name>-<color>`, colour added to its selector. */
export function coloredPdb(pdb: KubeObject, app: string, color: Color, namespace: string): KubeObject {
  const clean = cleanForApply(pdb);
  const selector = clean.spec?.selector ?? {};
  return {
    ...clean,
    metadata: { ...clean.metadata, name: `${pdb.metadata.name}-${color}`, namespace, labels: withColorLabels(clean.metadata.labels, app, color) },
    spec: { ...clean.spec, selector: { ...selector, matchLabels: { ...selector.matchLabels, [COLOR_LABEL]: color } } },
  };
}

/** The selector that picks one colour of the app: the Service's own selector plus the colour. */
export function colorSelector(baseSelector: Record<string, string>, color: Color): Record<string, string> {
  return { ...baseSelector, [COLOR_LABEL]: color };
}

/** A selector without the colour (or a migration's pin): what the app's pods of every colour share. */
export function baseSelector(selector: Record<string, string> | undefined): Record<string, string> {
  const { [COLOR_LABEL]: _color, [POD_TEMPLATE_HASH]: _pin, ...rest } = selector ?? {};
  return rest;
}

/** A preview Service: the stable Service's ports, selecting the staged colour. */
export function previewService(stable: KubeObject, name: string, app: string, color: Color, namespace: string): KubeObject {
  const clean = cleanForApply(stable);
  const spec = structuredClone(clean.spec ?? {});
  for (const key of ['clusterIP', 'clusterIPs', 'loadBalancerIP', 'externalIPs', 'healthCheckNodePort']) delete spec[key];
  spec.type = 'ClusterIP';
  spec.ports = (spec.ports ?? []).map(({ nodePort: _nodePort, ...port }: Record<string, unknown>) => port);
  spec.selector = colorSelector(baseSelector(spec.selector), color);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { ...clean.metadata.labels, [APP_LABEL]: app }, annotations: { [ANNOTATIONS.activeColor]: color } },
    spec,
  };
}

/** A JSON merge patch that sets `selector` exactly (keys not in it are removed with null). */
export function selectorPatch(current: Record<string, string> | undefined, wanted: Record<string, string>): Record<string, string | null> {
  const patch: Record<string, string | null> = { ...wanted };
  for (const key of Object.keys(current ?? {})) if (!(key in wanted)) patch[key] = null;
  return patch;
}
