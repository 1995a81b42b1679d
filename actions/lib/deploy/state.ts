/**
 * What the cluster holds for one app, read once at the start of a run (after the Lease is taken):
 * the stable Service, both colours, the revision history, and the records decoded from them.
 * Typed with client-node's own types; the planners take this, not the cluster.
 */
import type { V1ConfigMap, V1Deployment, V1Service } from '@kubernetes/client-node';
import { decodeRelease, scaleDownDeadline, type ReleaseRecord } from './annotations.js';
import { historyName, parseHistory, type RevisionEntry } from './history.js';
import type { Cluster } from './kube.js';
import { deploymentName, selectedColor, type Color, type KubeObject } from './model.js';

export const COLORS: readonly Color[] = ['blue', 'green'];

export interface ColorState {
  deployment?: V1Deployment;
  /** What the colour holds, from its own record. */
  record?: ReleaseRecord;
  /** When it is due to be scaled to zero (a deadline a run left on it). */
  scaleDownAt?: number;
}

export interface AppState {
  service?: V1Service;
  /** The colour the Service selects alone; undefined between canary steps, in a migration, or for a worker. */
  serving?: Color;
  /** The live release's record, from the Service. */
  live?: ReleaseRecord;
  colors: Record<Color, ColorState>;
  history: RevisionEntry[];
}

function colorState(deployment: V1Deployment | undefined): ColorState {
  const object = deployment as KubeObject | undefined;
  return { deployment, record: decodeRelease(object), scaleDownAt: scaleDownDeadline(object) };
}

/** Builds the state from objects already read (the pure half of readAppState). */
export function appState(service: V1Service | undefined, blue: V1Deployment | undefined, green: V1Deployment | undefined, history: V1ConfigMap | undefined): AppState {
  const asObject = service as KubeObject | undefined;
  return {
    service,
    serving: selectedColor(asObject),
    live: decodeRelease(asObject),
    colors: { blue: colorState(blue), green: colorState(green) },
    history: parseHistory(history as KubeObject | undefined),
  };
}

export async function readAppState(cluster: Cluster, namespace: string, app: string, service: string): Promise<AppState> {
  const get = (apiVersion: string, kind: string, name: string) => cluster.get({ apiVersion, kind, name, namespace });
  const [svc, blue, green, history] = await Promise.all([
    get('v1', 'Service', service),
    get('apps/v1', 'Deployment', deploymentName(app, 'blue')),
    get('apps/v1', 'Deployment', deploymentName(app, 'green')),
    get('v1', 'ConfigMap', historyName(app)),
  ]);
  return appState(svc as V1Service | undefined, blue as V1Deployment | undefined, green as V1Deployment | undefined, history as V1ConfigMap | undefined);
}
