/** The blue-green-deploy job summary, as a pure function of the outcome. */
import { table } from '../lib/summary.js';
import type { Outcome } from './deploy.js';
import type { BlueGreenInputs } from './inputs.js';
import { formatMs } from './timeline.js';

export function renderSummary(inputs: BlueGreenInputs, outcome: Outcome): string {
  const serving = outcome.activeColor === 'none' ? 'what served before blue-green' : outcome.activeColor;
  const verdict = outcome.failure
    ? outcome.rolledBack
      ? `### ↩️ ${inputs.app}: rolled back to ${serving}`
      : `### ❌ ${inputs.app}: ${inputs.mode} failed — traffic stays on ${serving}`
    : `### ✅ ${inputs.app}: ${inputs.mode} done — ${outcome.rolledBack ? 'rolled back: ' : ''}${serving} serves`;
  const facts = table(
    ['', ''],
    [
      ['Namespace', inputs.namespace],
      ['Active colour', outcome.activeColor],
      ['Previous colour', outcome.previousColor],
      ['Deployment', outcome.deployment || '-'],
      ['Image', outcome.image ? `\`${outcome.image}\`` : '-'],
      ['Promoted', String(outcome.promoted)],
      ['Rolled back', String(outcome.rolledBack)],
    ],
  );
  const timeline = table(
    ['Step', 'Result', 'At', 'Took', 'Detail'],
    outcome.timeline.entries.map((e) => [e.step, e.ok ? '✅' : '❌', formatMs(e.startMs), formatMs(e.durationMs), e.detail ?? '']),
  );
  const checks = outcome.checkRuns.map(({ label, run }) =>
    `#### ${label}\n\n${table(['', 'Check', 'URL', 'Status', 'Attempts', 'Error'], run.results.map((r) => [r.ok ? '✅' : '❌', r.name, r.url, r.status ?? '-', r.attempts, r.error ?? '']))}`,
  );
  return [
    verdict,
    outcome.failure ? `**Reason:** ${outcome.failure}` : '',
    facts,
    outcome.notes.map((note) => `- ${note}`).join('\n'),
    `#### Timeline\n\n${timeline}`,
    ...checks,
  ]
    .filter(Boolean)
    .join('\n\n');
}
