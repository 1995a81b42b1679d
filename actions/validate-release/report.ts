/** The job summary (Markdown) and the failure message, both listing every reason to stop. */
import type { CheckName, Verdict } from './validate.js';

const TITLES: Record<CheckName, string> = {
  'version-files': 'Version files',
  changelog: 'CHANGELOG section',
  increase: 'Version increase',
  prerelease: 'Prerelease',
  stubs: 'Stub markers',
  'required-checks': 'Required checks',
};

const ICONS = { passed: '✅', failed: '❌', skipped: '➖' };

/** Summary rows beyond this are counted, not shown (a step summary is limited to 1 MiB). */
export const MAX_SUMMARY_STUBS = 500;

/** Text from files and tags shown as text: no HTML, no table breaks. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

export function summaryMarkdown(verdict: Verdict): string {
  const { release } = verdict;
  const ready = verdict.reasons.length === 0;
  const lines = [
    `## ${ready ? '✅' : '❌'} Release ${cell(verdict.tag)} ${ready ? 'is ready' : `is not ready: ${verdict.reasons.length} reason(s) to stop`}`,
    '',
    `Version **${release.version}**${release.isPrerelease ? ` (prerelease \`${release.prerelease}\`)` : ''}; previous release: ${verdict.previousVersion || 'none (first release)'}.`,
    '',
    '| Check | Result | Detail |',
    '|---|---|---|',
    ...verdict.outcomes.map((o) => `| ${TITLES[o.check]} | ${ICONS[o.result]} ${o.result} | ${cell(o.detail)} |`),
  ];
  if (!ready) lines.push('', '### Reasons to stop', '', ...verdict.reasons.map((reason) => `- ${cell(reason)}`));
  if (verdict.stubMatches.length) {
    lines.push('', '### Stub markers', '', '| File | Line | Pattern | Text |', '|---|---|---|---|');
    for (const m of verdict.stubMatches.slice(0, MAX_SUMMARY_STUBS)) {
      lines.push(`| ${cell(m.file)} | ${m.line} | ${cell(m.pattern)} | ${cell(m.text)} |`);
    }
    if (verdict.stubMatches.length > MAX_SUMMARY_STUBS) lines.push('', `… and ${verdict.stubMatches.length - MAX_SUMMARY_STUBS} more.`);
  }
  if (verdict.requiredChecks.length) {
    lines.push('', '### Required checks', '', '| Check | State |', '|---|---|');
    for (const check of verdict.requiredChecks) {
      const name = check.url ? `[${cell(check.name)}](${check.url})` : cell(check.name);
      lines.push(`| ${name} | ${check.passed ? '✅' : '❌'} ${cell(check.state)} |`);
    }
  }
  if (verdict.releaseNotes) lines.push('', '<details><summary>Release notes</summary>', '', verdict.releaseNotes, '', '</details>');
  return `${lines.join('\n')}\n`;
}

/** One error message holding every reason, one per line. */
export function failureMessage(verdict: Verdict): string {
  const count = verdict.reasons.length;
  return [`Release ${verdict.tag} is not ready (${count} reason${count === 1 ? '' : 's'} to stop):`, ...verdict.reasons.map((reason) => `- ${reason}`)].join('\n');
}
