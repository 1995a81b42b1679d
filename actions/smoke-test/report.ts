/** The smoke-test job summary and failure message, as pure functions of the run. */
import type { CheckRun, CheckResult } from '../lib/checks.js';
import { table } from '../lib/summary.js';

export function resultLine(result: CheckResult): string {
  const status = result.status ?? '-';
  const latency = result.latencyMs === null ? '' : ` ${result.latencyMs} ms`;
  const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
  return result.ok
    ? `✓ ${result.name}: ${status}${latency}${tries}`
    : `✗ ${result.name}: ${result.error}${tries}`;
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
