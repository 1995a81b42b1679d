/** Backoff shared by every retry loop of the suite: HTTP requests, smoke checks, STS calls. */

export type Sleep = (ms: number) => Promise<void>;
export type Random = () => number;

export const sleep: Sleep = (ms) => new Promise((done) => setTimeout(done, ms));

export interface BackoffOptions {
  /** The ceiling of the first wait. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
  /**
   * `full`: a wait anywhere in [0, ceiling] (AWS's "full jitter": spreads clients best).
   * `equal`: in [ceiling/2, ceiling], for waits that should still be about the configured delay.
   */
  jitter?: 'full' | 'equal';
}

/** The wait before retry number `retry` (1 for the first retry): the ceiling doubles each time. */
export function backoffDelay(retry: number, { baseMs, capMs, jitter = 'full' }: BackoffOptions, random: Random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(jitter === 'full' ? random() * ceiling : ceiling / 2 + (random() * ceiling) / 2);
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
