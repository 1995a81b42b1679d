/** The smoke-test job summary and failure message, as pure functions of the run. */
import type { CheckRun, CheckResult, RetryNotice } from '../lib/checks.js';
import { SUMMARY_LIMIT_BYTES, table, tableRow } from '../lib/summary.js';

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

const HEADERS = ['', 'Check', 'URL', 'Status', 'Latency', 'Attempts', 'Error'];
const rowOf = (r: CheckResult) => [r.ok ? '✅' : '❌', r.name, r.url, r.status ?? '-', r.latencyMs === null ? '-' : `${r.latencyMs} ms`, r.attempts, r.error ?? ''];
/** Room kept for the line saying what was cut, and the newline writeSummary adds. */
const CUT_LINE_ROOM = 512;

/**
 * The verdict and one table row per check. Under `limitBytes` (GitHub's 1 MiB) as a whole: when all
 * rows do not fit (a thousand checks with long URLs or errors), the failed checks are listed first,
 * then the passed ones, as many as fit, and a last line says how many were left out and where
 * they all are.
 */
export function renderSummary(run: CheckRun, limitBytes = SUMMARY_LIMIT_BYTES): string {
  const verdict = run.passed
    ? `### ✅ Smoke test passed: ${run.results.length} checks in ${run.durationMs} ms`
    : `### ❌ Smoke test failed: ${run.failed} of ${run.results.length} checks in ${run.durationMs} ms`;
  const whole = `${verdict}\n\n${table(HEADERS, run.results.map(rowOf))}`;
  if (Buffer.byteLength(whole) + 1 <= limitBytes) return whole;

  const head = `${verdict}\n\n${table(HEADERS, [])}`;
  const lines = [head];
  let bytes = Buffer.byteLength(head);
  let shown = 0;
  const ordered = [...run.results.filter((r) => !r.ok), ...run.results.filter((r) => r.ok)];
  for (const result of ordered) {
    const line = `\n${tableRow(rowOf(result))}`;
    const size = Buffer.byteLength(line);
    if (bytes + size + CUT_LINE_ROOM > limitBytes) continue; // a smaller row further on may still fit
    lines.push(line);
    bytes += size;
    shown++;
  }
  const left = run.results.length - shown;
  lines.push(
    `\n\n…and ${left} more check${left === 1 ? '' : 's'} not listed: a job summary is limited to 1 MiB, so failed checks come first here. ` +
      'Every check is in the `results` output and the step log.',
  );
  return lines.join('');
}
