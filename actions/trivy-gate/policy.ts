/**
 * The verdict. Order of the contract: duplicates merged, ignore rules applied, then
 * - counts by severity: every finding left (vulnerabilities, failed misconfigurations, secrets);
 * - eligible: not in the baseline, and (with ignore-unfixed) not a vulnerability without a fix;
 * - a gated severity (in `severity`, or with a budget given) fails when its eligible
 *   vulnerabilities and misconfigurations outnumber its budget (0 unless given); then all of them
 *   block;
 * - an eligible secret always blocks, whatever its severity: no budget excuses a leaked secret.
 */
import { BUDGET_SEVERITIES, dedupe, SEVERITIES, type BudgetSeverity, type Finding, type Severity } from './findings.js';
import { applyIgnoreRules, type IgnoredFinding, type IgnoreRule } from './ignore.js';

export interface Policy {
  /** Severities that block. */
  severities: readonly Severity[];
  ignoreUnfixed: boolean;
  /** Budgets given (`max-*`); a gated severity without one has a budget of 0. */
  budgets: Partial<Record<BudgetSeverity, number>>;
}

export interface SeverityVerdict {
  /** Findings of this severity after ignore rules (the `critical`… outputs). */
  count: number;
  /** Vulnerabilities and misconfigurations that could block (baseline and unfixed set aside). */
  eligible: number;
  gated: boolean;
  budget: number;
  failed: boolean;
}

export interface Verdict {
  passed: boolean;
  bySeverity: Record<Severity, SeverityVerdict>;
  /** The findings that make the gate fail, most severe first. */
  blocking: Finding[];
  /** Findings after ignore rules, in report order (what SARIF lists). */
  findings: Finding[];
  ignored: IgnoredFinding[];
  /** The blocking findings as a set, for SARIF levels (findings are unique after merging). */
  blockingSet: ReadonlySet<Finding>;
  /** Findings set aside because they are in the baseline / unfixed (for the summary). */
  inBaseline: number;
  unfixed: number;
  /** Eligible secrets (all blocking). */
  secrets: number;
}

export interface JudgeInput {
  /** Findings of every report, merged in order; duplicates are fine. */
  findings: Iterable<Finding>;
  rules: IgnoreRule[];
  policy: Policy;
  /** Identity keys of the baseline report's findings. */
  baseline?: ReadonlySet<string>;
  now: Date;
}

export function judge({ findings, rules, policy, baseline, now }: JudgeInput): Verdict {
  const unique = dedupe(findings);
  const { kept, ignored } = applyIgnoreRules(unique, rules, now);

  const gated = new Set<Severity>(policy.severities);
  for (const severity of BUDGET_SEVERITIES) if (policy.budgets[severity] !== undefined) gated.add(severity);

  const bySeverity = Object.fromEntries(
    SEVERITIES.map((severity) => [
      severity,
      { count: 0, eligible: 0, gated: gated.has(severity), budget: policy.budgets[severity as BudgetSeverity] ?? 0, failed: false },
    ]),
  ) as Record<Severity, SeverityVerdict>;

  const eligibleBySeverity = new Map<Severity, Finding[]>(SEVERITIES.map((severity) => [severity, []]));
  const secretsBySeverity = new Map<Severity, Finding[]>(SEVERITIES.map((severity) => [severity, []]));
  let secrets = 0;
  let inBaseline = 0;
  let unfixed = 0;
  for (const finding of kept) {
    bySeverity[finding.severity].count++;
    if (baseline?.has(finding.key)) {
      inBaseline++;
    } else if (finding.kind === 'secret') {
      secretsBySeverity.get(finding.severity)!.push(finding);
      secrets++;
    } else if (policy.ignoreUnfixed && finding.kind === 'vulnerability' && !finding.fixedVersion) {
      unfixed++;
    } else {
      eligibleBySeverity.get(finding.severity)!.push(finding);
    }
  }

  // Most severe first; within a severity, the failed budget's findings in report order, then its
  // secrets in report order (what a stable sort by severity of "budgets, then secrets" gives, without sorting).
  const blocking: Finding[] = [];
  for (const severity of SEVERITIES) {
    const verdict = bySeverity[severity];
    const eligible = eligibleBySeverity.get(severity)!;
    verdict.eligible = eligible.length;
    verdict.failed = verdict.gated && eligible.length > verdict.budget;
    if (verdict.failed) for (const finding of eligible) blocking.push(finding);
    for (const finding of secretsBySeverity.get(severity)!) blocking.push(finding);
  }

  return {
    passed: blocking.length === 0,
    bySeverity,
    blocking,
    findings: kept,
    ignored,
    blockingSet: new Set(blocking),
    inBaseline,
    unfixed,
    secrets,
  };
}
