import { parseChecks, judgeResponse, parseExpectStatus, valueAtPath, type Check } from '../../actions/lib/check-spec.js';
import { parseRetryOn, runChecks, resolveUrl, shouldRetry, DEFAULT_RETRY_ON, type RetryNotice } from '../../actions/lib/checks.js';
import { refusedUrl, startHttpTarget, type HttpTarget } from '../servers/http-target/server.js';

const check = (spec: Record<string, unknown>): Check => parseChecks('checks', [spec], true)[0];

describe('check format', () => {
  test('defaults: GET, 2xx, follow redirects, name from url', () => {
    expect(check({ url: '/healthz' })).toEqual({
      name: '/healthz', url: '/healthz', method: 'GET', headers: {}, body: undefined,
      expectStatus: [{ class: 2 }], expectBody: undefined, expectJson: undefined, maxLatencyMs: undefined, followRedirects: true,
    });
  });

  test.each([
    ['200', [{ code: 200 }]],
    ['200,204', [{ code: 200 }, { code: 204 }]],
    ['2xx,301', [{ class: 2 }, { code: 301 }]],
    ['abc', undefined],
    ['600', undefined],
  ])('expect-status %p', (value, expected) => expect(parseExpectStatus(value)).toEqual(expected));

  test('errors name the input and the check', () => {
    expect(() => parseChecks('checks', [{ url: '/a' }, { url: '/b', 'expect-status': 'ok' }], true)).toThrow(
      "Input 'checks' check 2: 'expect-status' must look like 200, 200,204 or 2xx,301",
    );
    expect(() => parseChecks('checks', [{ url: '/a', expect: 200 }], true)).toThrow(/check 1: has unknown key\(s\) expect/);
    expect(() => parseChecks('checks', [{ url: '/a' }], false)).toThrow("Input 'checks' check 1: has a relative url (/a); give base-url or an absolute http(s) URL");
    expect(() => parseChecks('checks', { url: '/a' }, true)).toThrow("Input 'checks' must be a non-empty YAML or JSON list of checks");
  });

  test('judging status, body substring and regex, JSON paths and latency', () => {
    const ok = { status: 200, body: '{"status":"ok","data":{"items":[{"id":1}]}}', latencyMs: 10 };
    expect(judgeResponse(check({ url: '/', 'expect-status': 201 }), ok)).toBe('status 200, expected 201');
    expect(judgeResponse(check({ url: '/', 'expect-body': '"ok"' }), ok)).toBeUndefined();
    expect(judgeResponse(check({ url: '/', 'expect-body': '/STATUS/i' }), ok)).toBeUndefined();
    expect(judgeResponse(check({ url: '/', 'expect-body': '/^v2/' }), ok)).toBe('body does not match /^v2/');
    expect(judgeResponse(check({ url: '/', 'expect-json': { 'data.items.0.id': 1, status: 'ok' } }), ok)).toBeUndefined();
    expect(judgeResponse(check({ url: '/', 'expect-json': { 'data.items.0.id': 2 } }), ok)).toBe('data.items.0.id is 1, expected 2');
    expect(judgeResponse(check({ url: '/', 'expect-json': { missing: true } }), ok)).toBe('missing is missing, expected true');
    expect(judgeResponse(check({ url: '/', 'max-latency-ms': 5 }), ok)).toBe('latency 10 ms, above 5 ms');
    expect(valueAtPath({ a: [{ b: null }] }, 'a.0.b')).toBeNull();
    // Key order does not matter; types do.
    const nested = { status: 200, body: '{"data":{"b":1,"c":2},"n":1}', latencyMs: 1 };
    expect(judgeResponse(check({ url: '/', 'expect-json': { data: { c: 2, b: 1 } } }), nested)).toBeUndefined();
    expect(judgeResponse(check({ url: '/', 'expect-json': { n: '1' } }), nested)).toBe('n is 1, expected "1"');
  });

  test('relative URLs join the base URL with one slash', () => {
    expect(resolveUrl('/healthz', 'http://h:1/api/')).toBe('http://h:1/api/healthz');
    expect(resolveUrl('http://other/x', 'http://h:1')).toBe('http://other/x');
  });
});

describe('retry-on', () => {
  const byDefault = parseRetryOn(DEFAULT_RETRY_ON)!;
  test.each([
    [503, true],
    [500, true],
    [429, true],
    [404, false],
    [401, false],
    [301, false],
    ['connection', true],
    ['timeout', true],
    ['mismatch', false],
  ] as const)('by default %p is retried: %p', (failure, expected) => expect(shouldRetry(byDefault, failure)).toBe(expected));

  test('codes, classes and kinds are named; a named 4xx is retried', () => {
    const retryOn = parseRetryOn(' 404, 5XX mismatch')!;
    expect([shouldRetry(retryOn, 404), shouldRetry(retryOn, 403), shouldRetry(retryOn, 502), shouldRetry(retryOn, 'mismatch'), shouldRetry(retryOn, 'timeout')]).toEqual([true, false, true, true, false]);
    expect(shouldRetry(parseRetryOn('4xx')!, 418)).toBe(true);
  });

  test.each(['6xx', '99', 'refused', '5xx;429', '600'])('%p is refused', (text) => expect(parseRetryOn(text)).toBeUndefined());

  test('without retry-on every failure is retried (blue-green-deploy keeps that)', () => expect(shouldRetry(undefined, 404)).toBe(true));
});

describe('check engine against real local servers', () => {
  let target: HttpTarget;
  beforeAll(async () => (target = await startHttpTarget('v7')));
  afterAll(() => target.stop());
  const fast = { attempts: 3, retryDelayMs: 20, timeoutMs: 500, deadlineMs: 10_000, concurrency: 8 };

  test('flaky-then-ok passes on a later attempt; wrong body and status fail with reasons', async () => {
    const checks = parseChecks('checks', [
      { name: 'flaky', url: '/flaky?key=engine&fail=2' },
      { name: 'body', url: '/ok', 'expect-body': 'v8' },
      { name: 'status', url: '/status/500' },
      { name: 'redirect', url: '/redirect', 'expect-body': 'ok v7' },
      { name: 'no-follow', url: '/redirect', 'follow-redirects': false, 'expect-status': 302 },
    ], true);
    const run = await runChecks(checks, { ...fast, baseUrl: target.url });
    const byName = Object.fromEntries(run.results.map((r) => [r.name, r]));
    expect(byName.flaky).toMatchObject({ ok: true, status: 200, attempts: 3, error: null });
    expect(byName.body).toMatchObject({ ok: false, status: 200, attempts: 3, error: "body does not contain 'v8'" });
    expect(byName.status).toMatchObject({ ok: false, status: 500, attempts: 3, error: 'status 500, expected 2xx' });
    expect(byName.redirect).toMatchObject({ ok: true, status: 200 });
    expect(byName['no-follow']).toMatchObject({ ok: true, status: 302 });
    expect([run.passed, run.failed]).toEqual([false, 2]);
  });

  test('connection refused and a hang past the timeout fail with their reason', async () => {
    const refused = await refusedUrl();
    const run = await runChecks(parseChecks('checks', [{ name: 'down', url: refused }, { name: 'hang', url: `${target.url}/hang` }], false), {
      ...fast,
      attempts: 2,
      timeoutMs: 100,
    });
    expect(run.results[0]).toMatchObject({ ok: false, status: null, attempts: 2, error: 'connection refused' });
    expect(run.results[1]).toMatchObject({ ok: false, status: null, attempts: 2, error: 'timed out after 100 ms' });
  });

  test('wall time of N slow checks is about the slowest, not the sum', async () => {
    const checks = parseChecks('checks', Array.from({ length: 8 }, (_, i) => ({ name: `slow${i}`, url: `/slow?ms=${100 + i * 10}` })), true);
    const run = await runChecks(checks, { ...fast, baseUrl: target.url });
    expect(run.passed).toBe(true);
    expect(run.durationMs).toBeGreaterThanOrEqual(170);
    expect(run.durationMs).toBeLessThan(600); // the sum would be 1080 ms
  });

  test('the deadline ends retries: what still fails then, fails', async () => {
    const started = Date.now();
    const run = await runChecks(parseChecks('checks', [{ url: '/status/503' }], true), { ...fast, attempts: 50, retryDelayMs: 100, deadlineMs: 400, baseUrl: target.url });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(run.results[0].ok).toBe(false);
    expect(run.results[0].error).toMatch(/status 503, expected 2xx \(deadline reached\)/);
    expect(run.results[0].attempts).toBeLessThan(50);
  });

  test('a retry the deadline leaves only a sliver of time to reports the answer before it, not "timed out after 1 ms"', async () => {
    const started = Date.now();
    const deadlineMs = 1000;
    // The backoff ends 30 ms before the deadline: the second attempt has 30 ms for a 100 ms answer.
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(ms, started + deadlineMs - 30 - Date.now())));
    const run = await runChecks(parseChecks('checks', [{ url: '/slow?ms=100', 'expect-status': 201 }], true), { ...fast, attempts: 5, deadlineMs, sleep, baseUrl: target.url });
    expect(run.results[0]).toMatchObject({ ok: false, status: 200, attempts: 2, error: 'status 200, expected 201 (deadline reached)' });
    expect(run.results[0].latencyMs).toBeGreaterThanOrEqual(95);
  });

  test('the first wait between attempts is at least retry-delay', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    await runChecks(parseChecks('checks', [{ url: '/status/500' }], true), { ...fast, attempts: 3, retryDelayMs: 300, baseUrl: target.url, sleep });
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(300);
    expect(waits[0]).toBeLessThanOrEqual(450);
    expect(waits[1]).toBeGreaterThanOrEqual(600);
  });

  test('retry-on: a 4xx is final at once, a 5xx is retried with one notice per retry', async () => {
    const notices: RetryNotice[] = [];
    const run = await runChecks(parseChecks('checks', [{ name: 'missing', url: '/status/404' }, { name: 'flaky', url: '/flaky?key=retry-on&fail=2' }], true), {
      ...fast,
      baseUrl: target.url,
      retryOn: parseRetryOn(DEFAULT_RETRY_ON),
      onRetry: (notice) => notices.push(notice),
    });
    expect(run.results.map((r) => [r.name, r.ok, r.attempts])).toEqual([
      ['missing', false, 1],
      ['flaky', true, 3],
    ]);
    expect(notices.map(({ check, attempt, attempts, reason }) => [check, attempt, attempts, reason])).toEqual([
      ['flaky', 1, 3, 'status 503, expected 2xx'],
      ['flaky', 2, 3, 'status 503, expected 2xx'],
    ]);
    expect(notices.every((n) => n.delayMs >= fast.retryDelayMs)).toBe(true);
  });

  test('retry-on names a 4xx: it is retried', async () => {
    const run = await runChecks(parseChecks('checks', [{ url: '/status/404' }], true), { ...fast, attempts: 2, baseUrl: target.url, retryOn: parseRetryOn('404') });
    expect(run.results[0]).toMatchObject({ ok: false, attempts: 2 });
  });

  test('sends the shared headers with every check', async () => {
    const before = target.requests.length;
    await runChecks(parseChecks('checks', [{ url: '/echo', headers: { 'x-check': 'own' } }], true), { ...fast, baseUrl: target.url, headers: { authorization: 'Bearer t' } });
    expect(target.requests[before].headers).toMatchObject({ authorization: 'Bearer t', 'x-check': 'own' });
  });
});
