import { httpRequest, HttpError } from '../../actions/lib/http.js';
import { refusedUrl, startHttpTarget, type HttpTarget } from '../servers/http-target/server.js';

describe('httpRequest against a real local server', () => {
  let target: HttpTarget;
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  beforeAll(async () => (target = await startHttpTarget()));
  afterAll(() => target.stop());
  beforeEach(() => (waits.length = 0));

  test('retries a 503 on GET with backoff, then succeeds', async () => {
    const response = await httpRequest(`${target.url}/flaky?key=get&fail=2`, { attempts: 3, sleep, random: () => 1, retryBaseMs: 100 });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  test('gives up after the bounded number of attempts and returns the last response', async () => {
    const response = await httpRequest(`${target.url}/flaky?key=bounded&fail=9`, { attempts: 2, sleep });
    expect(response.status).toBe(503);
    expect(response.attempts).toBe(2);
  });

  test('does not repeat a POST on 503 unless told it is safe', async () => {
    const once = await httpRequest(`${target.url}/flaky?key=post&fail=1`, { method: 'POST', body: 'x', attempts: 3, sleep });
    expect([once.status, once.attempts]).toEqual([503, 1]);
    const retried = await httpRequest(`${target.url}/flaky?key=post2&fail=1`, { method: 'POST', body: 'x', attempts: 3, sleep, retryUnsafe: true });
    expect([retried.status, retried.attempts]).toEqual([200, 2]);
  });

  test('honours Retry-After on 429, for any method', async () => {
    const response = await httpRequest(`${target.url}/limited?key=a&n=1&after=2`, { method: 'POST', attempts: 2, sleep, random: () => 0 });
    expect(response.status).toBe(200);
    expect(waits).toEqual([2000]);
  });

  test('a Retry-After beyond the allowed wait returns the 429 at once', async () => {
    const response = await httpRequest(`${target.url}/limited?key=b&n=1&after=600`, { attempts: 3, sleep, maxRetryAfterMs: 60_000 });
    expect([response.status, response.attempts]).toEqual([429, 1]);
    expect(waits).toEqual([]);
  });

  test('times out a hanging server per attempt', async () => {
    const started = Date.now();
    await expect(httpRequest(`${target.url}/hang`, { timeoutMs: 150, attempts: 2, sleep })).rejects.toMatchObject({ code: 'ETIMEDOUT', attempts: 2 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('connection refused is retried even for POST (the request was never sent)', async () => {
    const url = await refusedUrl();
    const error = await httpRequest(url, { method: 'POST', attempts: 3, sleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', attempts: 3, message: 'connection refused' });
  });

  test('sends a Host header of the caller (smoke checks against an address) and tries any port', async () => {
    const echoed = await httpRequest(`${target.url}/echo`, { headers: { host: 'api.sunday.example' } });
    expect(JSON.parse(echoed.body).headers.host).toBe('api.sunday.example');
    // Port 1 is on fetch's "bad port" list; this helper still connects, and is refused.
    await expect(httpRequest('http://127.0.0.1:1/', { attempts: 1 })).rejects.toMatchObject({ code: 'ECONNREFUSED', message: 'connection refused' });
  });

  test('sends extra headers and follows redirects unless told not to', async () => {
    const echoed = await httpRequest(`${target.url}/echo`, { headers: { 'x-sunday': 'yes' } });
    expect(JSON.parse(echoed.body).headers['x-sunday']).toBe('yes');
    const followed = await httpRequest(`${target.url}/redirect`);
    expect([followed.status, followed.body]).toEqual([200, 'ok v1']);
    const manual = await httpRequest(`${target.url}/redirect`, { followRedirects: false });
    expect(manual.status).toBe(302);
  });

  test('does not start a retry it has no time for before the deadline', async () => {
    const response = await httpRequest(`${target.url}/flaky?key=deadline&fail=9`, { attempts: 5, deadline: Date.now() + 50, retryBaseMs: 10_000, random: () => 1, sleep });
    expect([response.status, response.attempts]).toEqual([503, 1]);
  });
});
