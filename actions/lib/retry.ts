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
   * `equal`: in [ceiling/2, ceiling], for waits that should keep growing (a whole push re-run).
   * `over`: in [ceiling, 1.5 × ceiling] (within the cap), for waits promised to be at least the
   * configured delay, such as smoke-test's `retry-delay`.
   */
  jitter?: 'full' | 'equal' | 'over';
}

/** The wait before retry number `retry` (1 for the first retry): the ceiling doubles each time. */
export function backoffDelay(retry: number, { baseMs, capMs, jitter = 'full' }: BackoffOptions, random: Random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  const spread = random() * ceiling;
  if (jitter === 'full') return Math.round(spread);
  if (jitter === 'equal') return Math.round(ceiling / 2 + spread / 2);
  return Math.round(Math.min(capMs, ceiling + spread / 2));
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
