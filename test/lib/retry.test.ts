import { backoffDelay, parseRetryAfter } from '../../actions/lib/retry.js';

describe('backoff', () => {
  test('full jitter: a wait anywhere below a ceiling that doubles up to the cap', () => {
    const options = { baseMs: 100, capMs: 1000 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, options, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });

  test('equal jitter keeps at least half of the ceiling', () => {
    const options = { baseMs: 2000, capMs: 30_000, jitter: 'equal' as const };
    expect(backoffDelay(1, options, () => 0)).toBe(1000);
    expect(backoffDelay(1, options, () => 1)).toBe(2000);
    expect(backoffDelay(10, options, () => 1)).toBe(30_000);
  });

  test('"over" jitter: the first wait is at least the configured delay, then doubles, never past the cap', () => {
    const options = { baseMs: 2000, capMs: 30_000, jitter: 'over' as const };
    expect(backoffDelay(1, options, () => 0)).toBe(2000);
    expect(backoffDelay(1, options, () => 1)).toBe(3000);
    expect(backoffDelay(2, options, () => 0)).toBe(4000);
    expect(backoffDelay(10, options, () => 1)).toBe(30_000);
  });

  test('Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
