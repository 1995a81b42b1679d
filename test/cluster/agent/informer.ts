/**
 * List, then watch from the list's resourceVersion, as client-go's reflector does: a cache of one
 * kind of object kept current by the watch stream, with a handler told of every change. When the
 * server ends a stream (its timeout) the watch resumes from the last resourceVersion seen (bookmarks
 * keep it fresh); an `ERROR` event (410 Gone: the version is too old, or any other Status) or a
 * 410 answer means relist and rewatch, and the handler is told what changed meanwhile. Broken
 * connections are retried with a growing, capped backoff. No polling: nothing happens between
 * events.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../../../actions/lib/retry.js';
import type { KubeObject } from '../../servers/kube/types.js';
import { KubeApiError, type KubeClient, type WatchEvent } from './kube-client.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type ChangeHandler = (type: ChangeType, object: KubeObject) => void;

export interface InformerOptions {
  /** The collection's path, e.g. `/api/v1/pods` or `/apis/discovery.k8s.io/v1/endpointslices`. */
  path: string;
  fieldSelector?: string;
  labelSelector?: string;
  /** How long the server keeps one watch open, in seconds. Default 300. */
  watchSeconds?: number;
  log?: (line: string) => void;
}

export function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private resourceVersion = '';
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  /** How many times it relisted after the first list (for tests and logs). */
  relists = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly options: InformerOptions,
    private readonly onChange: ChangeHandler,
  ) {}

  /** Lists once (so the cache is whole when this resolves), then keeps watching in the background. */
  async start(): Promise<void> {
    await this.list();
    this.loop = this.watchLoop();
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  items(): KubeObject[] {
    return [...this.cache.values()];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private query(extra: Record<string, string>): string {
    const params = new URLSearchParams();
    if (this.options.fieldSelector) params.set('fieldSelector', this.options.fieldSelector);
    if (this.options.labelSelector) params.set('labelSelector', this.options.labelSelector);
    for (const [name, value] of Object.entries(extra)) params.set(name, value);
    const text = params.toString();
    return text ? `${this.options.path}?${text}` : this.options.path;
  }

  /** Replaces the cache with a fresh list and tells the handler the differences. */
  private async list(): Promise<void> {
    const list = await this.client.get<{ metadata: { resourceVersion: string }; items: KubeObject[]; kind: string; apiVersion: string }>(this.query({}));
    const kind = list.kind.replace(/List$/, '');
    const seen = new Set<string>();
    for (const item of list.items) {
      // Items of a list carry no kind; the handlers and the caches read it.
      const object = { ...item, apiVersion: list.apiVersion, kind };
      const key = keyOf(object);
      seen.add(key);
      const before = this.cache.get(key);
      this.cache.set(key, object);
      if (!before) this.onChange('ADDED', object);
      else if (before.metadata.resourceVersion !== object.metadata.resourceVersion) this.onChange('MODIFIED', object);
    }
    for (const [key, object] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.onChange('DELETED', object);
    }
    this.resourceVersion = list.metadata.resourceVersion;
  }

  private async watchLoop(): Promise<void> {
    let failures = 0;
    let relist = false;
    while (!this.abort.signal.aborted) {
      try {
        if (relist) {
          this.relists++;
          await this.list();
          relist = false;
        }
        const path = this.query({ watch: '1', resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(this.options.watchSeconds ?? 300) });
        await this.client.watch(path, (event) => {
          if (this.apply(event)) return;
          relist = true;
          throw new StopStream();
        }, this.abort.signal);
        failures = 0;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof StopStream) continue;
        if (error instanceof KubeApiError && error.status === 410) {
          relist = true;
          continue;
        }
        failures++;
        this.options.log?.(`watch ${this.options.path}: ${(error as Error).message}; retrying`);
        relist ||= failures > 1;
        await sleep(backoffDelay(failures, { baseMs: 200, capMs: 5000, jitter: 'equal' }), undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  /** Applies one event; false when it calls for a relist (an ERROR event). */
  private apply(event: WatchEvent): boolean {
    if (event.type === 'ERROR') {
      const status = event.object as unknown as { code?: number; message?: string };
      this.options.log?.(`watch ${this.options.path}: ERROR event ${status.code ?? ''} ${status.message ?? ''}; relisting`);
      return false;
    }
    this.resourceVersion = event.object.metadata.resourceVersion ?? this.resourceVersion;
    if (event.type === 'BOOKMARK') return true;
    const key = keyOf(event.object);
    if (event.type === 'DELETED') this.cache.delete(key);
    else this.cache.set(key, event.object);
    this.onChange(event.type, event.object);
    return true;
  }
}

/** Thrown from the event callback to end a stream that needs a relist. */
class StopStream extends Error {}
