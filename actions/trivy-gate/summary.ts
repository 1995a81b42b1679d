/**
 * The job summary: the verdict, counts by severity with each severity's budget, and the blocking
 * findings (ID linked to its PrimaryURL, package, installed → fixed, severity, target). The table
 * is capped (GitHub refuses a step summary over 1 MiB) and says how many rows it left out. Report
 * text is escaped: package names and targets come from the scanned artefact.
 */
import { SEVERITIES, type Finding } from './findings.js';
import type { Verdict } from './policy.js';

export const MAX_ROWS = 200;
const MAX_CELL = 160;
const MAX_WARNINGS = 50;

export interface SummaryContext {
  /** What was judged (report paths, or the image scanned). */
  sources: string[];
  warnings: string[];
  failOnError: boolean;
  baseline?: string;
  ignoreUnfixed: boolean;
  maxRows?: number;
}

/** Plain text safe in a Markdown table cell. */
export function cell(text: string | undefined): string {
  if (!text) return '—';
  const short = text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
  return short
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1');
}

function link(text: string, url: string | undefined): string {
  if (!url) return cell(text);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return cell(text);
    return `[${cell(text)}](${parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
  } catch {
    return cell(text);
  }
}

function packageOf(finding: Finding): string {
  switch (finding.kind) {
    case 'vulnerability':
      return cell(finding.pkgName);
    case 'misconfiguration':
      return `misconfiguration: ${cell(finding.title ?? finding.message)}`;
    case 'secret':
      return `secret: ${cell(finding.title)}`;
  }
}

function versionsOf(finding: Finding): string {
  if (finding.kind !== 'vulnerability') return '—';
  return `${cell(finding.installedVersion)} → ${finding.fixedVersion ? cell(finding.fixedVersion) : '_no fix_'}`;
}

function targetOf(finding: Finding): string {
  return cell(finding.line ? `${finding.target}:${finding.line}` : finding.target);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderSummary(verdict: Verdict, context: SummaryContext): string {
  const maxRows = context.maxRows ?? MAX_ROWS;
  const lines: string[] = [];
  if (verdict.passed) {
    lines.push('## ✅ trivy-gate passed');
  } else {
    const note = context.failOnError ? '' : ' (fail-on-error: false, the step does not fail)';
    lines.push(`## ❌ trivy-gate failed: ${plural(verdict.blocking.length, 'blocking finding')}${note}`);
  }
  lines.push('', `Judged: ${context.sources.map((source) => `\`${source.replace(/`/g, "'")}\``).join(', ')}`, '');

  lines.push('| Severity | Found | Could block | Budget | Verdict |', '|---|--:|--:|--:|---|');
  for (const severity of SEVERITIES) {
    const s = verdict.bySeverity[severity];
    const outcome = !s.gated ? 'not gated' : s.failed ? '❌ over budget' : '✅ within budget';
    lines.push(`| ${severity} | ${s.count} | ${s.eligible} | ${s.gated ? s.budget : '—'} | ${outcome} |`);
  }
  const notes = [
    `secrets that block whatever their severity: ${verdict.secrets}`,
    `ignored by rules: ${verdict.ignored.length}`,
    `set aside as unfixed: ${context.ignoreUnfixed ? verdict.unfixed : 'off'}`,
  ];
  if (context.baseline) notes.push(`already in the baseline \`${context.baseline.replace(/`/g, "'")}\`: ${verdict.inBaseline}`);
  lines.push('', `Counts are after ignore rules; ${notes.join(' · ')}.`);

  if (verdict.blocking.length) {
    lines.push('', '### Blocking findings', '', '| ID | Package | Installed → Fixed | Severity | Target |', '|---|---|---|---|---|');
    for (const finding of verdict.blocking.slice(0, maxRows)) {
      lines.push(`| ${link(finding.id, finding.primaryUrl)} | ${packageOf(finding)} | ${versionsOf(finding)} | ${finding.severity} | ${targetOf(finding)} |`);
    }
    const more = verdict.blocking.length - maxRows;
    if (more > 0) lines.push('', `…and ${plural(more, 'more blocking finding')}, not listed here (see the SARIF file or the report).`);
  }

  if (context.warnings.length) {
    lines.push('', '### Warnings', '');
    for (const warning of context.warnings.slice(0, MAX_WARNINGS)) lines.push(`- ${cell(warning)}`);
    if (context.warnings.length > MAX_WARNINGS) lines.push(`- …and ${context.warnings.length - MAX_WARNINGS} more (see the step log)`);
  }
  return `${lines.join('\n')}\n`;
}

/** The one-line reason the gate failed, for the step's error (or warning with fail-on-error: false). */
export function failureMessage(verdict: Verdict): string {
  const reasons: string[] = [];
  for (const severity of SEVERITIES) {
    const s = verdict.bySeverity[severity];
    if (s.failed) reasons.push(`${s.eligible} ${severity} over a budget of ${s.budget}`);
  }
  if (verdict.secrets) reasons.push(plural(verdict.secrets, 'secret'));
  return `trivy-gate failed: ${plural(verdict.blocking.length, 'blocking finding')} (${reasons.join(', ')}); see the job summary`;
}
