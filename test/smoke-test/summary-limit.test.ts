/**
 * The job summary stays under GitHub's 1 MiB (1,048,576 bytes) however many checks run and however
 * long their URLs and errors: past it GitHub shows no summary at all. When rows must be cut, failed
 * checks come first and a last line says how many were left out.
 */
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult, CheckRun } from '../../actions/lib/checks.js';
import { SUMMARY_LIMIT_BYTES } from '../../actions/lib/summary.js';
import { renderSummary } from '../../actions/smoke-test/report.js';
import { runStep } from '../harness.js';
import { startHttpTarget, type HttpTarget } from '../servers/http-target/server.js';

const LIMIT = 1_048_576;

function result(i: number, ok: boolean, pad = 0): CheckResult {
  const url = `https://api.sunday.com/v1/items/${i}?q=${'x'.repeat(pad)}`;
  return { name: url, url, ok, status: ok ? 200 : 503, attempts: ok ? 1 : 5, latencyMs: 50, error: ok ? null : `status 503, expected 2xx ${'e'.repeat(pad)}` };
}

const runOf = (results: CheckResult[]): CheckRun => {
  const failed = results.filter((r) => !r.ok).length;
  return { results, passed: failed === 0, failed, durationMs: 1234 };
};

test('the limit is GitHub’s 1 MiB', () => {
  expect(SUMMARY_LIMIT_BYTES).toBe(LIMIT);
});

test('1,000 short checks: every row, nothing cut', () => {
  const summary = renderSummary(runOf(Array.from({ length: 1000 }, (_, i) => result(i, i % 100 !== 7))));
  expect(summary.split('\n').filter((line) => line.startsWith('| ✅') || line.startsWith('| ❌'))).toHaveLength(1000);
  expect(summary).not.toContain('not listed');
  expect(Buffer.byteLength(summary)).toBeLessThan(LIMIT);
});

test('1,000 checks with 1 KB URLs and errors: under 1 MiB with the newline the writer adds, failed rows first, a line saying how many were cut', () => {
  const results = Array.from({ length: 1000 }, (_, i) => result(i, i < 990, 1000)); // the 10 failures come last
  const summary = renderSummary(runOf(results));
  expect(Buffer.byteLength(`${summary}\n`)).toBeLessThanOrEqual(LIMIT);
  expect(Buffer.byteLength(`${summary}\n`)).toBeGreaterThan(LIMIT - 8 * 1024); // it cuts no more than it must
  const rows = summary.split('\n').filter((line) => line.startsWith('| ✅') || line.startsWith('| ❌'));
  expect(rows.slice(0, 10).every((row) => row.startsWith('| ❌'))).toBe(true);
  expect(summary.startsWith('### ❌ Smoke test failed: 10 of 1000 checks in 1234 ms\n\n| ')).toBe(true);
  expect(summary.endsWith(`…and ${1000 - rows.length} more checks not listed: a job summary is limited to 1 MiB, so failed checks come first here. Every check is in the \`results\` output and the step log.`)).toBe(true);
});

test('a row larger than the whole limit is left out, not cut in the middle', () => {
  const summary = renderSummary(runOf([result(1, false, 600_000), result(2, false)]));
  expect(Buffer.byteLength(summary)).toBeLessThan(LIMIT);
  expect(summary).toContain('/v1/items/2?q=');
  expect(summary).toContain('…and 1 more check not listed');
});

describe('the committed bundle', () => {
  let target: HttpTarget;
  beforeAll(async () => (target = await startHttpTarget()));
  afterAll(() => target.stop());

  test('400 checks with 3 KB URLs: the summary file written is under 1 MiB and says what it left out', async () => {
    const urls = Array.from({ length: 400 }, (_, i) => `${target.url}/${i % 40 === 0 ? 'status/500' : 'ok'}?n=${i}&pad=${'p'.repeat(3000)}`);
    // A checks file: 1.2 MB of URLs is over what one environment variable (INPUT_URL) may hold.
    const workspace = mkdtempSync(join(tmpdir(), 'smoke-limit-'));
    writeFileSync(join(workspace, 'checks.json'), JSON.stringify(urls.map((url) => ({ name: url, url }))));
    const r = await runStep('smoke-test', { workspace, inputs: { checks: 'checks.json', concurrency: '50', attempts: '1', timeout: '5s' } });
    rmSync(workspace, { recursive: true, force: true });
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ passed: 'false', total: '400', failed: '10' });
    expect(JSON.parse(r.outputs.results)).toHaveLength(400);
    expect(Buffer.byteLength(r.summary)).toBeLessThanOrEqual(LIMIT);
    const rows = r.summary.split('\n').filter((line) => line.startsWith('| ✅') || line.startsWith('| ❌'));
    expect(rows.slice(0, 10).every((row) => row.startsWith('| ❌'))).toBe(true);
    expect(r.summary).toContain(`…and ${400 - rows.length} more checks not listed`);
  });
});
