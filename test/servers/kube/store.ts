/**
 * The object store: one resourceVersion counter for every write (as etcd's revision), a bounded
 * history of changes for watches (older versions answer 410 Gone), and change listeners.
 */
import { errors } from './errors.js';
import type { ResourceType } from './resources.js';
import { deepClone, type KubeObject, type WatchEventType } from './types.js';

export interface StoreEvent {
  type: Exclude<WatchEventType, 'ERROR' | 'BOOKMARK'>;
  resourceVersion: number;
  resource: ResourceType;
  object: KubeObject;
  /** The object before a MODIFIED change, so label-selected watches can tell objects that left the selection. */
  previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

function typeKey(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class Store {
  private revision = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  /** The oldest resourceVersion a watch may still start from. */
  private oldestWatchable = 1;
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historyLimit = 5000) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects.get(typeKey(type))?.get(objectKey(type.namespaced ? namespace : undefined, name));
    return found && deepClone(found);
  }

  /** Objects of a type, in one namespace or all, sorted as the API server lists them (namespace, name). */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const all = [...(this.objects.get(typeKey(type))?.values() ?? [])];
    return all
      .filter((o) => !namespace || !type.namespaced || o.metadata.namespace === namespace)
      .sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name!).localeCompare(objectKey(b.metadata.namespace, b.metadata.name!)))
      .map((o) => deepClone(o));
  }

  /** Stores an object as given (its metadata already complete), stamping a new resourceVersion. */
  put(type: ResourceType, object: KubeObject): KubeObject {
    const bucket = this.objects.get(typeKey(type)) ?? new Map<string, KubeObject>();
    this.objects.set(typeKey(type), bucket);
    const key = objectKey(type.namespaced ? object.metadata.namespace : undefined, object.metadata.name!);
    const previous = bucket.get(key);
    const stored = deepClone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    bucket.set(key, stored);
    this.record({ type: previous ? 'MODIFIED' : 'ADDED', resourceVersion: this.revision, resource: type, object: stored, previous });
    return deepClone(stored);
  }

  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const bucket = this.objects.get(typeKey(type));
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const existing = bucket?.get(key);
    if (!bucket || !existing) return undefined;
    bucket.delete(key);
    const gone = deepClone(existing);
    gone.metadata.resourceVersion = String(++this.revision);
    this.record({ type: 'DELETED', resourceVersion: this.revision, resource: type, object: gone });
    return deepClone(gone);
  }

  /** Every stored object, for the garbage collector. */
  *all(): Generator<KubeObject> {
    for (const bucket of this.objects.values()) yield* bucket.values();
  }

  /**
   * Changes of `type` strictly after `resourceVersion`, oldest first; throws 410 Gone when the
   * history no longer reaches back that far.
   */
  eventsSince(type: ResourceType, resourceVersion: number): StoreEvent[] {
    if (resourceVersion < this.oldestWatchable - 1) throw errors.gone(String(resourceVersion), this.oldestWatchable);
    return this.history.filter((e) => e.resource === type && e.resourceVersion > resourceVersion);
  }

  /** Forgets the change history, as etcd compaction does: watches from any earlier version get 410 Gone. */
  compact(): void {
    this.history.length = 0;
    this.oldestWatchable = this.revision + 1;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.oldestWatchable = dropped[dropped.length - 1].resourceVersion + 1;
    }
    for (const listener of this.listeners) listener(event);
  }
}
