/** The smoke-test job summary and failure message, as pure functions of the run. */
import type { CheckRun, CheckResult, RetryNotice } from '../lib/checks.js';
import { table } from '../lib/summary.js';

export function resultLine(result: CheckResult): string {
  const status = result.status ?? '-';
  const latency = result.latencyMs === null ? '' : ` ${result.latencyMs} ms`;
  const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
  return result.ok
    ? `✓ ${result.name}: ${status}${latency}${tries}`
    : `✗ ${result.name}: ${result.error}${tries}`;
}

/** One line per retry, so a check that keeps failing is never silent while it waits. */
export function retryLine(notice: RetryNotice): string {
  return `↻ ${notice.check}: attempt ${notice.attempt} of ${notice.attempts} failed (${notice.reason}); next attempt in ${(notice.delayMs / 1000).toFixed(1)}s`;
}

export function failureMessage(run: CheckRun): string {
  const failed = run.results.filter((result) => !result.ok);
  const reasons = failed.map((result) => `${result.name} (${result.error})`).join('; ');
  return `${failed.length} of ${run.results.length} smoke checks failed: ${reasons}`;
}

export function renderSummary(run: CheckRun): string {
  const verdict = run.passed
    ? `### ✅ Smoke test passed: ${run.results.length} checks in ${run.durationMs} ms`
    : `### ❌ Smoke test failed: ${run.failed} of ${run.results.length} checks in ${run.durationMs} ms`;
  const rows = run.results.map((r) => [r.ok ? '✅' : '❌', r.name, r.url, r.status ?? '-', r.latencyMs === null ? '-' : `${r.latencyMs} ms`, r.attempts, r.error ?? '']);
  return `${verdict}\n\n${table(['', 'Check', 'URL', 'Status', 'Latency', 'Attempts', 'Error'], rows)}`;
}
