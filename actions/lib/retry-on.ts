/**
 * Which failed smoke checks are retried (`retry-on`). Pure and import-free: smoke-test parses the
 * input while validating, before it loads the HTTP client.
 */
/**
 * What a failed attempt was: the status it answered (when that status was not expected), a
 * `connection` that failed (refused, reset, name not found), a `timeout`, or a `mismatch` (the status
 * was as expected but the body, JSON or latency was not).
 */
export type FailureKind = number | 'connection' | 'timeout' | 'mismatch';

/** Which failures are retried: status codes, status classes (`5xx`) and the named kinds. */
export interface RetryOn {
  codes: Set<number>;
  classes: Set<number>;
  kinds: Set<'connection' | 'timeout' | 'mismatch'>;
}

export const DEFAULT_RETRY_ON = '5xx,429,connection,timeout';
const RETRY_KINDS = ['connection', 'timeout', 'mismatch'] as const;

/** Parses `5xx,429,connection,timeout`; undefined when an entry is none of those forms. */
export function parseRetryOn(text: string): RetryOn | undefined {
  const retryOn: RetryOn = { codes: new Set(), classes: new Set(), kinds: new Set() };
  for (const entry of text.split(/[\s,]+/).map((item) => item.trim().toLowerCase()).filter(Boolean)) {
    const kind = RETRY_KINDS.find((name) => name === entry);
    if (kind) retryOn.kinds.add(kind);
    else if (/^[1-5]xx$/.test(entry)) retryOn.classes.add(Number(entry[0]));
    else if (/^[1-5]\d\d$/.test(entry)) retryOn.codes.add(Number(entry));
    else return undefined;
  }
  return retryOn;
}

export function shouldRetry(retryOn: RetryOn | undefined, failure: FailureKind): boolean {
  if (!retryOn) return true;
  if (typeof failure === 'number') return retryOn.codes.has(failure) || retryOn.classes.has(Math.floor(failure / 100));
  return retryOn.kinds.has(failure);
}
