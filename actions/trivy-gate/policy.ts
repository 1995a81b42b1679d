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
  /** 1 where `findings[i]` blocks (SARIF's levels): a byte per finding, where a Set of 30,000 was 1.3 MB to make. */
  blocks: Uint8Array;
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

// A finding's standing in the verdict, as a byte per finding.
const ELIGIBLE = 0;
const IN_BASELINE = 1;
const SECRET = 2;
const UNFIXED = 3;

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

  // Two passes over the findings and no list per severity: counting first tells which severities
  // fail, then the blocking list is made once at its size.
  let inBaseline = 0;
  let unfixed = 0;
  let secrets = 0;
  const secretsBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  // Each finding's standing, worked out once (its getters are the cost) and read again by the second pass.
  const standings = new Uint8Array(kept.length);
  // Index loops: a for…of over 100,000 findings allocates an iterator result per finding until V8
  // optimizes the loop, 4 MB of garbage per pass here (bench/trivy-gate.ts).
  for (let i = 0; i < kept.length; i++) {
    const finding = kept[i];
    const verdict = bySeverity[finding.severity];
    verdict.count++;
    const standing = baseline?.has(finding.key)
      ? IN_BASELINE
      : finding.kind === 'secret'
        ? SECRET
        : policy.ignoreUnfixed && finding.kind === 'vulnerability' && !finding.fixedVersion
          ? UNFIXED
          : ELIGIBLE;
    standings[i] = standing;
    switch (standing) {
      case IN_BASELINE:
        inBaseline++;
        break;
      case SECRET:
        secrets++;
        secretsBySeverity[finding.severity]++;
        break;
      case UNFIXED:
        unfixed++;
        break;
      case ELIGIBLE:
        verdict.eligible++;
    }
  }
  let blockingCount = secrets;
  for (const severity of SEVERITIES) {
    const verdict = bySeverity[severity];
    verdict.failed = verdict.gated && verdict.eligible > verdict.budget;
    if (verdict.failed) blockingCount += verdict.eligible;
  }

  // Most severe first; within a severity, the failed budget's findings in report order, then its
  // secrets in report order (what a stable sort by severity of "budgets, then secrets" gives, without sorting).
  const starts = new Map<Severity, number>();
  let at = 0;
  for (const severity of SEVERITIES) {
    starts.set(severity, at);
    at += (bySeverity[severity].failed ? bySeverity[severity].eligible : 0) + secretsBySeverity[severity];
  }
  const secretStarts = new Map(SEVERITIES.map((severity) => [severity, starts.get(severity)! + (bySeverity[severity].failed ? bySeverity[severity].eligible : 0)]));
  const blocking: Finding[] = new Array(blockingCount);
  const blocks = new Uint8Array(kept.length);
  if (blockingCount) {
    for (let i = 0; i < kept.length; i++) {
      const standing = standings[i];
      if (standing === ELIGIBLE) {
        const finding = kept[i];
        const severity = finding.severity;
        if (!bySeverity[severity].failed) continue;
        const index = starts.get(severity)!;
        blocking[index] = finding;
        blocks[i] = 1;
        starts.set(severity, index + 1);
      } else if (standing === SECRET) {
        const finding = kept[i];
        const index = secretStarts.get(finding.severity)!;
        blocking[index] = finding;
        blocks[i] = 1;
        secretStarts.set(finding.severity, index + 1);
      }
    }
  }

  return {
    passed: blockingCount === 0,
    bySeverity,
    blocking,
    findings: kept,
    ignored,
    blocks,
    inBaseline,
    unfixed,
    secrets,
  };
}
