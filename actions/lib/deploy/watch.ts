/**
 * Waiting on the cluster as client-go's reflector does: list once, then watch from the list's
 * resourceVersion, keeping every object of the collection up to date. What a real API server does
 * to a watch is handled here:
 * - `BOOKMARK` events (asked for with `allowWatchBookmarks`) only advance the resourceVersion;
 * - an `ERROR` event (a 410 Expired Status when the resourceVersion is too old: the server answers
 *   HTTP 200, then this event) ends the watch, and the collection is listed again and watched
 *   from the new resourceVersion;
 * - a watch the server closes (its request timeout) or that goes quiet for longer than the
 *   server's bookmark interval is watched again from the last resourceVersion seen;
 * - an answer before the stream (403, 404…) fails the wait at once with the server's message,
 *   except 410 (re-list) and 429/5xx/broken connections (watched again after a backoff).
 */
import { request } from 'undici';
import { backoffDelay } from '../retry.js';
import { KubeApiError, toKubeError, type Connection } from './kube.js';
import type { KubeObject } from './model.js';

export interface Collection {
  /** The list path, e.g. `/apis/apps/v1/namespaces/prod/deployments`. */
  path: string;
  kind: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchTimings {
  /** No answer (headers) to a list or watch request within this: the request is given up. */
  requestTimeoutMs: number;
  /** A watch with no event (not even a BOOKMARK) for this long is closed and watched again. */
  idleMs: number;
}

/** What a judge says of the collection: go on (undefined), done with a value, or failed. */
export type Verdict<T> = { value: T } | { failure: string } | undefined;

type ListFn = () => Promise<{ items: KubeObject[]; resourceVersion?: string }>;

/**
 * Resolves once `judge` returns a value for the collection (every object that matches, by name),
 * rejects with its failure, with the first non-retryable API error, or with a timeout naming
 * `waitingFor`.
 */
export function watchCollection<T>(
  connection: Connection,
  collection: Collection,
  list: ListFn,
  waitingFor: string,
  timeoutMs: number,
  timings: WatchTimings,
  judge: (items: KubeObject[]) => Verdict<T>,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const items = new Map<string, KubeObject>();
    let resourceVersion: string | undefined;
    let finished = false;
    let controller: AbortController | undefined;
    let retry: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      clearTimeout(retry);
      controller?.abort();
      outcome();
    };
    const fail = (error: unknown) => finish(() => reject(error));
    const look = (): boolean => {
      const verdict = judge([...items.values()]);
      if (!verdict) return false;
      if ('failure' in verdict) fail(new Error(verdict.failure));
      else finish(() => resolve(verdict.value));
      return true;
    };
    const deadline = setTimeout(() => fail(new Error(`Timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${waitingFor}`)), timeoutMs);
    // Given up by the caller (another wait it ran alongside failed): no request or timer stays behind.
    signal?.addEventListener('abort', () => fail(new Error(`Stopped waiting for ${waitingFor}`)), { once: true });

    const relist = async (): Promise<boolean> => {
      const listed = await list();
      items.clear();
      for (const item of listed.items) items.set(item.metadata.name, item);
      resourceVersion = listed.resourceVersion;
      return look();
    };

    /** One watch request; resolves with what to do next. */
    const watchOnce = async (): Promise<'rewatch' | 'relist' | { backoff: number }> => {
      controller = new AbortController();
      const query = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true' });
      if (resourceVersion) query.set('resourceVersion', resourceVersion);
      if (collection.labelSelector) query.set('labelSelector', collection.labelSelector);
      if (collection.fieldSelector) query.set('fieldSelector', collection.fieldSelector);
      const response = await request(`${connection.server}${collection.path}?${query}`, {
        dispatcher: connection.dispatcher,
        headers: { accept: 'application/json', ...(await connection.authorization()) },
        signal: controller.signal,
        headersTimeout: timings.requestTimeoutMs,
        // Between two chunks of the stream: longer than the server's bookmark interval.
        bodyTimeout: timings.idleMs,
      });
      if (response.statusCode !== 200) {
        const text = await response.body.text().catch(() => '');
        if (response.statusCode === 410) return 'relist';
        // The server's Status, read as for any other request (kube.ts).
        const error = toKubeError({ code: response.statusCode, body: text, headers: { 'retry-after': String(response.headers['retry-after'] ?? '') } }, `watch ${collection.kind}`);
        if (error.status === 429 || error.status >= 500) return { backoff: error.retryAfterMs ?? -1 };
        throw error;
      }
      let buffered = '';
      let next: 'rewatch' | 'relist' = 'rewatch';
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk as Buffer, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (!line || finished) continue;
          const event = JSON.parse(line) as { type: string; object: KubeObject };
          if (event.type === 'ERROR') {
            // 410 Expired (too old a resourceVersion) or any other Status: start again from a list.
            next = 'relist';
            controller.abort();
            break;
          }
          const version = event.object?.metadata?.resourceVersion;
          if (version) resourceVersion = version;
          if (event.type === 'BOOKMARK') continue;
          if (event.type === 'DELETED') items.delete(event.object.metadata.name);
          else items.set(event.object.metadata.name, event.object);
          if (look()) return next;
        }
        if (next === 'relist') break;
      }
      return next;
    };

    const loop = async () => {
      let failures = 0;
      let mustList = true;
      while (!finished) {
        try {
          if (mustList && (await relist())) return;
          mustList = false;
          // Finished while listing (the deadline, or the caller gave up): no new watch may outlive the wait.
          if (finished) return;
          const next = await watchOnce();
          if (finished) return;
          if (next === 'relist') mustList = true;
          if (typeof next === 'object') throw Object.assign(new Error('watch refused'), { retryAfterMs: next.backoff });
          failures = 0;
        } catch (error) {
          if (finished) return;
          if (error instanceof KubeApiError) return fail(error);
          // A broken or timed-out watch (or a transient answer): again, from the last resourceVersion.
          failures++;
          const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
          const wait = retryAfter !== undefined && retryAfter >= 0 ? retryAfter : backoffDelay(failures, { baseMs: 100, capMs: 2_000 });
          await new Promise<void>((done) => (retry = setTimeout(done, wait)));
        }
      }
    };
    loop().catch(fail);
  });
}
