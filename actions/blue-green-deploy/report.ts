/** The blue-green-deploy job summary, as a pure function of the outcome. */
import { deploySummary } from '../lib/deploy/report.js';
import type { Outcome } from '../lib/deploy/session.js';
import { table } from '../lib/summary.js';
import type { BlueGreenInputs } from './deploy.js';

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
      ['Revision', outcome.revision || '-'],
      ['Promoted', String(outcome.promoted)],
      ['Rolled back', String(outcome.rolledBack)],
    ],
  );
  return deploySummary(outcome, verdict, facts);
}
