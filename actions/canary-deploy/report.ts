/** The canary-deploy job summary, as a pure function of the outcome. */
import { deploySummary } from '../lib/deploy/report.js';
import { table } from '../lib/summary.js';
import type { CanaryOutcome } from './canary.js';
import type { CanaryInputs } from './inputs.js';

const VERDICT = { promoted: '✅', paused: '⏸️', aborted: '❌', 'no-op': '✅' } as const;

export function renderSummary(inputs: CanaryInputs, outcome: CanaryOutcome): string {
  const verdict = `### ${outcome.rolledBack && !outcome.failure ? '↩️' : VERDICT[outcome.result]} ${inputs.app}: ${inputs.mode} — ${outcome.result}, the new release serves ${outcome.weight}%`;
  const facts = table(
    ['', ''],
    [
      ['Namespace', inputs.namespace],
      ['Result', outcome.result],
      ['Weight', `${outcome.weight}%`],
      ['Active colour', outcome.activeColor],
      ['Deployment', outcome.deployment || '-'],
      ['Image', outcome.image ? `\`${outcome.image}\`` : '-'],
      ['Previous image', outcome.previousImage ? `\`${outcome.previousImage}\`` : '-'],
      ['Revision', outcome.revision || '-'],
      ['Previous revision', outcome.previousRevision || '-'],
      ['Promoted', String(outcome.promoted)],
      ['Rolled back', String(outcome.rolledBack)],
    ],
  );
  const steps = outcome.steps.length
    ? `#### Steps\n\n${table(['Weight served', 'New replicas', 'Old replicas', 'Checks', 'Analysis'], outcome.steps.map((s) => [`${s.weight}%`, s.newReplicas, s.oldReplicas, s.checks, s.analysis]))}`
    : '';
  return deploySummary(outcome, verdict, facts, [steps]);
}
