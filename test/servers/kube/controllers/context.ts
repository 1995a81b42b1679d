/** What every controller of the loop shares: typed store access, writes that skip no-op updates, and timed wake-ups. */
import { applyCreateDefaults } from '../defaults.js';
import { findType, type ResourceType } from '../resources.js';
import type { Store } from '../store.js';
import { deepEqual, timestamp, type Condition, type KubeObject, type OwnerReference } from '../types.js';

export const TYPES = {
  pods: findType('', 'v1', 'pods')!,
  services: findType('', 'v1', 'services')!,
  endpoints: findType('', 'v1', 'endpoints')!,
  endpointSlices: findType('discovery.k8s.io', 'v1', 'endpointslices')!,
  deployments: findType('apps', 'v1', 'deployments')!,
  replicasets: findType('apps', 'v1', 'replicasets')!,
  jobs: findType('batch', 'v1', 'jobs')!,
  cronjobs: findType('batch', 'v1', 'cronjobs')!,
};

export interface ControllerContext {
  store: Store;
  /** Milliseconds since the epoch (a seam for tests). */
  now(): number;
  /** How long one of the API's "seconds" (deadlines) lasts here, in ms: 1000 unless time is scaled. */
  secondMs: number;
  /** Asks for another controller pass no later than `atMs`. */
  wakeAt(atMs: number): void;
}

/** Stores `after` when it differs from `before`; returns what is stored. */
export function save(context: ControllerContext, type: ResourceType, before: KubeObject, after: KubeObject): KubeObject {
  if (deepEqual(before, after)) return before;
  return context.store.put(type, after);
}

/** Creates an object a controller owns; an existing one of that name is kept, never overwritten. */
export function createOwned(context: ControllerContext, type: ResourceType, object: KubeObject): KubeObject {
  const existing = context.store.get(type, object.metadata.namespace, object.metadata.name!);
  if (existing) return existing;
  applyCreateDefaults(type, object);
  return context.store.put(type, object);
}

export function ownerReference(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function isOwnedBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.controller);
}

export function conditionOf(object: KubeObject, type: string): Condition | undefined {
  return (object.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** Sets one condition, keeping lastTransitionTime while its status stays the same. */
export function setCondition(conditions: Condition[] | undefined, next: Omit<Condition, 'lastTransitionTime'>, touch = false): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const unchanged = previous && previous.status === next.status && previous.reason === next.reason && previous.message === next.message;
  if (unchanged && !touch) return list;
  const now = timestamp();
  const condition: Condition = { ...next, lastTransitionTime: previous && previous.status === next.status ? previous.lastTransitionTime : now };
  if (index >= 0) list[index] = condition;
  else list.push(condition);
  return list;
}

export function isPodReady(pod: KubeObject): boolean {
  return conditionOf(pod, 'Ready')?.status === 'True';
}

/** Drops zero counters, as the API server's `omitempty` does. */
export function withoutZeros(status: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(status).filter(([, v]) => v !== 0 && v !== undefined));
}
