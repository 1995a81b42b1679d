/** smoke-test's committed bundle, run as the runner runs it, against real local HTTP servers. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLeaks } from '../../runner/index.js';
import { runStep } from '../harness.js';
import { refusedUrl, startHttpTarget, type HttpTarget } from '../servers/http-target/server.js';

let target: HttpTarget;
beforeAll(async () => (target = await startHttpTarget('v3')));
afterAll(() => target.stop());

const fast = { attempts: '2', 'retry-delay': '50ms', timeout: '500ms' };

test('URLs and a checks file pass: outputs, summary, exit 0', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'smoke-ws-'));
  writeFileSync(join(workspace, 'checks.yml'), `- name: version\n  url: /json\n  expect-json:\n    version: v3\n    data.items.0.id: 1\n- name: health\n  url: /healthz\n  expect-body: /ok v\\d/\n`);
  const r = await runStep('smoke-test', {
    workspace,
    inputs: { ...fast, url: `${target.url}/ok\n${target.url}/redirect`, checks: 'checks.yml', 'base-url': target.url },
  });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.outputs).toMatchObject({ passed: 'true', total: '4', failed: '0' });
  expect(Number(r.outputs['duration-ms'])).toBeGreaterThanOrEqual(0);
  const results = JSON.parse(r.outputs.results);
  expect(results.map((x: { name: string; ok: boolean; status: number; attempts: number }) => [x.name, x.ok, x.status, x.attempts])).toEqual([
    [`${target.url}/ok`, true, 200, 1],
    [`${target.url}/redirect`, true, 200, 1],
    ['version', true, 200, 1],
    ['health', true, 200, 1],
  ]);
  expect(Object.keys(results[0]).sort()).toEqual(['attempts', 'error', 'latencyMs', 'name', 'ok', 'status', 'url']);
  expect(r.summary).toContain('### ✅ Smoke test passed: 4 checks');
  expect(r.summary).toContain('| ✅ | version | ' + `${target.url}/json | 200 |`);
});

test('a failing check fails the step with one error line naming it', async () => {
  const refused = await refusedUrl();
  const r = await runStep('smoke-test', { inputs: { ...fast, url: `${target.url}/ok\n${target.url}/status/502\n${refused}/` } });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([`2 of 3 smoke checks failed: ${target.url}/status/502 (status 502, expected 2xx); ${refused}/ (connection refused)`]);
  expect(r.outputs).toMatchObject({ passed: 'false', total: '3', failed: '2' });
  expect(r.summary).toContain('### ❌ Smoke test failed: 2 of 3 checks');
  expect(r.stderr).toBe('');
});

test('fail-on-error false reports the failure as a warning and exits 0', async () => {
  const r = await runStep('smoke-test', { inputs: { ...fast, url: `${target.url}/status/500`, 'fail-on-error': 'false' } });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.passed).toBe('false');
  expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([`1 of 1 smoke checks failed: ${target.url}/status/500 (status 500, expected 2xx)`]);
});

test('paths in url join base-url', async () => {
  const r = await runStep('smoke-test', { inputs: { ...fast, 'base-url': target.url, url: '/ok\n/healthz' } });
  expect(r.errors).toEqual([]);
  expect(JSON.parse(r.outputs.results).map((x: { url: string }) => x.url)).toEqual([`${target.url}/ok`, `${target.url}/healthz`]);
});

test('a one-line inline check whose URL ends in .json is a check, not a file name', async () => {
  const r = await runStep('smoke-test', { inputs: { ...fast, checks: `- url: ${target.url}/status.json\n`.trim(), 'fail-on-error': 'false' } });
  expect(r.errors).toEqual([]);
  expect(JSON.parse(r.outputs.results)[0]).toMatchObject({ url: `${target.url}/status.json`, status: 404 });
});

test('one log line per retry: the attempt, what failed and the next wait; a 4xx is final at once', async () => {
  const refused = await refusedUrl();
  const r = await runStep('smoke-test', { inputs: { attempts: '3', 'retry-delay': '20ms', timeout: '500ms', url: `${refused}/\n${target.url}/status/404` } });
  expect(r.exitCode).toBe(1);
  const retries = r.log.split('\n').filter((line) => line.startsWith('↻'));
  expect(retries).toEqual([
    expect.stringMatching(new RegExp(`^↻ ${refused}/: attempt 1 of 3 failed \\(connection refused\\); next attempt in \\d+\\.\\ds$`)),
    expect.stringMatching(new RegExp(`^↻ ${refused}/: attempt 2 of 3 failed \\(connection refused\\); next attempt in \\d+\\.\\ds$`)),
  ]);
  expect(JSON.parse(r.outputs.results).map((x: { attempts: number }) => x.attempts)).toEqual([3, 1]);
});

test('retry-on naming 404 retries it', async () => {
  const r = await runStep('smoke-test', { inputs: { ...fast, url: `${target.url}/status/404`, 'retry-on': '5xx,404', 'fail-on-error': 'false' } });
  expect(JSON.parse(r.outputs.results)[0]).toMatchObject({ ok: false, status: 404, attempts: 2 });
  expect(r.log).toContain(`↻ ${target.url}/status/404: attempt 1 of 2 failed (status 404, expected 2xx); next attempt in`);
});

test('a 429 with Retry-After is waited for before the next attempt', async () => {
  const started = Date.now();
  const r = await runStep('smoke-test', { inputs: { url: `${target.url}/limited?key=smoke&n=1&after=1`, 'retry-delay': '10ms' } });
  expect(r.exitCode).toBe(0);
  expect(JSON.parse(r.outputs.results)[0]).toMatchObject({ ok: true, attempts: 2 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
});

test('header values are sent, masked before any log line, and never shown', async () => {
  const secret = 'Bearer sk-live-4f9a2c7e';
  const before = target.requests.length;
  const r = await runStep('smoke-test', { inputs: { url: `${target.url}/echo`, headers: `Authorization: ${secret}` } });
  expect(r.exitCode).toBe(0);
  expect(target.requests[before].headers.authorization).toBe(secret);
  expect(findLeaks(r.stdout + r.stderr, [secret])).toEqual([]);
  expect(r.log + r.summary + JSON.stringify(r.outputs)).not.toContain(secret);
  expect(r.masks).toContain(secret);
});

test.each([
  [{}, "Input 'url' or input 'checks' is required: give one or more URLs, or a list of checks"],
  [{ url: 'not-a-url' }, "Input 'url' must hold absolute http(s) URLs, one per line"],
  [{ url: 'http://127.0.0.1:1/', attempts: 'many' }, "Input 'attempts' must be a whole number from 1 to 100"],
  [{ url: 'http://127.0.0.1:1/', 'retry-delay': '2 seconds' }, "Input 'retry-delay' must be a duration such as '250ms', '30s', '5m', '1h' or '1m30s'"],
  [{ checks: '- url: /x' }, "Input 'checks' check 1: has a relative url (/x); give base-url or an absolute http(s) URL"],
  [{ checks: '- url: http://127.0.0.1:1/\n  expect-status: ok' }, "Input 'checks' check 1: 'expect-status' must look like 200, 200,204 or 2xx,301"],
  [{ url: 'http://127.0.0.1:1/', 'fail-on-error': 'nope' }, "Input 'fail-on-error' must be true or false"],
  [{ url: 'http://127.0.0.1:1/', 'retry-on': '5xx,refused' }, "Input 'retry-on' must list status codes (429), classes (5xx) or connection, timeout, mismatch, comma-separated"],
  [{ url: 'http://' }, "Input 'url' must hold absolute http(s) URLs, one per line"],
  [{ checks: '- url: http://exa mple/' }, "Input 'checks' check 1: has a url that is not a valid URL (http://exa mple/)"],
  [{ url: 'http://127.0.0.1:1/', headers: 'Bad Name: v' }, "Input 'headers' has a header name that is not a valid HTTP field name: 'Bad Name'"],
  [{ checks: '- url: http://127.0.0.1:1/\n  headers: { "x-a": "one\\ntwo" }' }, "Input 'checks' check 1: has a value for header 'x-a' with a line break or NUL"],
])('bad input %p → one error line, exit 1, no stack trace', async (inputs, message) => {
  const r = await runStep('smoke-test', { inputs });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([message]);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toBe('');
});

test('URL credentials, query tokens and secret check headers never reach the log, outputs or summary', async () => {
  const password = 'url-Pa55word-9f3c';
  const token = 'qtok-7d1e5b2a9c';
  const apiKey = 'key-0a1b2c3d4e';
  const url = `${target.url.replace('http://', `http://deploy:${password}@`)}/status/502?token=${token}&page=2`;
  const checks = `- name: with a key\n  url: ${target.url}/echo\n  headers: { X-Api-Key: ${apiKey} }\n  expect-body: never-there`;
  const r = await runStep('smoke-test', { inputs: { ...fast, attempts: '1', url, checks } });
  expect(r.exitCode).toBe(1);
  const shown = [r.log, r.stderr, r.summary, JSON.stringify(r.outputs), ...r.errors].join('\n');
  for (const secret of [password, token, apiKey]) expect(shown).not.toContain(secret);
  expect(findLeaks(r.stdout, [password, token, apiKey])).toEqual([]);
  const results = JSON.parse(r.outputs.results);
  expect(results[0].url).toBe(`${target.url.replace('http://', 'http://deploy:***@')}/status/502?token=***&page=2`);
  expect(r.summary).toContain('deploy:***@');
  expect(r.masks).toEqual(expect.arrayContaining([password, token, apiKey]));
});

test('an expect-body regex that backtracks without end fails its check at the time limit; the step ends on time', async () => {
  const checks = `- name: hostile\n  url: ${target.url}/echo\n  method: POST\n  body: ${'a'.repeat(40)}!\n  expect-body: /(a+)+$/`;
  const started = performance.now();
  const r = await runStep('smoke-test', { inputs: { ...fast, attempts: '1', checks }, timeoutMs: 20_000 });
  expect(r.timedOut).toBe(false);
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual(['1 of 1 smoke checks failed: hostile (expect-body /(a+)+$/ took longer than 2000 ms on the body: it backtracks without end (as /(a+)+$/ does))']);
  expect(performance.now() - started).toBeLessThan(10_000);
});
