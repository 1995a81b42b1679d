/**
 * The one shape every Trivy finding is reduced to, its identity, and the merge of duplicates.
 * Identity follows the gate's contract: (target, package, vulnerability ID) for a vulnerability,
 * (target, check ID, cause line, message) for a misconfiguration, (target, rule ID, line) for a
 * secret. "Package" is the package name plus its path when Trivy gives one, so the same library
 * bundled twice in one target (two jars) counts twice, while an upgrade that keeps the CVE is still
 * the same finding for a baseline.
 */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Severities with a `max-*` budget input (there is no `max-unknown`). */
export const BUDGET_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type BudgetSeverity = (typeof BUDGET_SEVERITIES)[number];

export type FindingKind = 'vulnerability' | 'misconfiguration' | 'secret';

export interface Finding {
  kind: FindingKind;
  /** VulnerabilityID, misconfiguration check ID, or secret rule ID. */
  id: string;
  /** A misconfiguration's AVD ID, which ignore rules may name instead of its ID. */
  avdId?: string;
  target: string;
  severity: Severity;
  title?: string;
  primaryUrl?: string;
  pkgName?: string;
  pkgPath?: string;
  purl?: string;
  installedVersion?: string;
  fixedVersion?: string;
  /** Cause line of a misconfiguration, line of a secret. */
  line?: number;
  /** A misconfiguration's message. */
  message?: string;
  /** Identity: equal keys are the same finding. */
  key: string;
}

const SEPARATOR = '\u0000';

export function identityOf(finding: Omit<Finding, 'key'>): string {
  const { kind, target, id } = finding;
  switch (kind) {
    case 'vulnerability':
      return ['V', target, finding.pkgName ?? '', finding.pkgPath ?? '', id].join(SEPARATOR);
    case 'misconfiguration':
      return ['M', target, id, finding.line ?? '', finding.message ?? ''].join(SEPARATOR);
    case 'secret':
      return ['S', target, id, finding.line ?? ''].join(SEPARATOR);
  }
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

/**
 * Merges duplicates (same identity) keeping the first occurrence's order. A duplicate may fill in
 * what the first lacks (fixed version, URL, PURL, title), and the higher severity wins, so merging
 * never makes a finding less severe.
 */
export function dedupe(findings: Iterable<Finding>): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    const first = byKey.get(finding.key);
    if (!first) {
      byKey.set(finding.key, finding);
      continue;
    }
    first.fixedVersion ??= finding.fixedVersion;
    first.primaryUrl ??= finding.primaryUrl;
    first.purl ??= finding.purl;
    first.title ??= finding.title;
    first.installedVersion ??= finding.installedVersion;
    if (severityRank(finding.severity) > severityRank(first.severity)) first.severity = finding.severity;
  }
  return [...byKey.values()];
}
