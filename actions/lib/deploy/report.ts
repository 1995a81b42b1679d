/** The parts of a deploy's job summary both strategies share: timeline, checks, recent revisions. */
import { analysisSummary } from '../analysis/summary.js';
import { link, table } from '../summary.js';
import type { Outcome } from './session.js';
import { formatMs } from './timeline.js';

/**
 * A deploy's whole summary: the strategy's own verdict and facts table, the failure, the notes, the
 * strategy's extra sections (a canary's steps), then the parts both share.
 */
export function deploySummary(outcome: Outcome, verdict: string, facts: string, extra: string[] = []): string {
  return [
    verdict,
    outcome.failure ? `**Reason:** ${outcome.failure}` : '',
    facts,
    outcome.notes.map((note) => `- ${note}`).join('\n'),
    ...extra,
    timelineSection(outcome),
    ...checkSections(outcome),
    ...analysisSections(outcome),
    historySection(outcome),
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function timelineSection(outcome: Outcome): string {
  const rows = outcome.timeline.entries.map((e) => [e.step, e.ok ? '✅' : '❌', formatMs(e.startMs), formatMs(e.durationMs), e.detail ?? '']);
  return `#### Timeline\n\n${table(['Step', 'Result', 'At', 'Took', 'Detail'], rows)}`;
}

export function checkSections(outcome: Outcome): string[] {
  return outcome.checkRuns.map(({ label, run }) =>
    `#### ${label}\n\n${table(['', 'Check', 'URL', 'Status', 'Attempts', 'Error'], run.results.map((r) => [r.ok ? '✅' : '❌', r.name, r.url, r.status ?? '-', r.attempts, r.error ?? '']))}`,
  );
}

/** Each analysis that ran: its measurements per metric, as a table and a chart. */
export function analysisSections(outcome: Outcome): string[] {
  return outcome.analysisRuns.map(({ title, spec, result }) => analysisSummary(title, spec, result).replace(/^### /, '#### '));
}

/** The recent revisions, newest first: what `mode: rollback` with `revision` can go back to. */
export function historySection(outcome: Outcome): string {
  if (!outcome.history.length) return '';
  const rows = [...outcome.history].reverse().map((e) => [
    e.revision === Number(outcome.revision) ? `**${e.revision}** (serves)` : e.revision,
    e.from === e.revision ? '' : `rollback to ${e.from}`,
    `\`${e.image}\``,
    e.strategy,
    e.color,
    e.result,
    e.time.replace(/\.\d{3}Z$/, 'Z'),
    link('run', e.runUrl || undefined),
  ]);
  return `#### Recent revisions\n\n${table(['Revision', 'Note', 'Image', 'Strategy', 'Colour', 'Result', 'Time', 'Run'], rows)}`;
}
