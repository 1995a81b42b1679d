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
  readonly key: string;
}

export type FindingFields = Omit<Finding, 'key'>;

const SEPARATOR = '\u0000';

export function identityOf(finding: FindingFields): string {
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

/**
 * A finding read from a report. Every field is set in the constructor, in one order, so 100,000 of
 * them share one hidden class; the identity key is built only when asked for (a baseline), since
 * merging compares fields instead (see dedupe): a report of 100,000 findings then makes no key string.
 */
export class ReportFinding implements Finding {
  avdId: string | undefined = undefined;
  title: string | undefined = undefined;
  primaryUrl: string | undefined = undefined;
  pkgName: string | undefined = undefined;
  pkgPath: string | undefined = undefined;
  purl: string | undefined = undefined;
  installedVersion: string | undefined = undefined;
  fixedVersion: string | undefined = undefined;
  line: number | undefined = undefined;
  message: string | undefined = undefined;
  #key: string | undefined = undefined;

  constructor(
    readonly kind: FindingKind,
    readonly id: string,
    readonly target: string,
    public severity: Severity,
  ) {}

  get key(): string {
    return (this.#key ??= identityOf(this));
  }
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

/** Whether two findings of the same kind, target and ID are the same finding (the rest of identityOf). */
function sameRest(a: Finding, b: Finding): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'vulnerability':
      return (a.pkgName ?? '') === (b.pkgName ?? '') && (a.pkgPath ?? '') === (b.pkgPath ?? '');
    case 'misconfiguration':
      return a.line === b.line && (a.message ?? '') === (b.message ?? '');
    case 'secret':
      return a.line === b.line;
  }
}

function merge(first: Finding, finding: Finding): void {
  first.fixedVersion ??= finding.fixedVersion;
  first.primaryUrl ??= finding.primaryUrl;
  first.purl ??= finding.purl;
  first.title ??= finding.title;
  first.installedVersion ??= finding.installedVersion;
  if (severityRank(finding.severity) > severityRank(first.severity)) first.severity = finding.severity;
}

/**
 * Merges duplicates (same identity) keeping the first occurrence's order. A duplicate may fill in
 * what the first lacks (fixed version, URL, PURL, title), and the higher severity wins, so merging
 * never makes a finding less severe.
 *
 * Findings are looked up by kind, target and ID, strings the report already holds, and compared on
 * the rest of their identity: no key string is built per finding (it is the hot path of a large
 * report). Several packages often share one CVE in a target, hence a list per ID.
 */
export function dedupe(findings: Iterable<Finding>): Finding[] {
  const unique: Finding[] = [];
  const byTarget = new Map<string, Map<string, Finding | Finding[]>>();
  let lastGroup = '';
  let byId: Map<string, Finding | Finding[]> | undefined;
  for (const finding of findings) {
    // Findings come grouped by target: the group of the previous one is usually the right one.
    const group = finding.kind === 'vulnerability' ? finding.target : `${finding.kind}${SEPARATOR}${finding.target}`;
    if (group !== lastGroup || !byId) {
      byId = byTarget.get(group);
      if (!byId) byTarget.set(group, (byId = new Map()));
      lastGroup = group;
    }
    const seen = byId.get(finding.id);
    if (seen === undefined) {
      byId.set(finding.id, finding);
      unique.push(finding);
      continue;
    }
    const same = Array.isArray(seen) ? seen.find((other) => sameRest(other, finding)) : sameRest(seen, finding) ? seen : undefined;
    if (same) {
      merge(same, finding);
    } else {
      if (Array.isArray(seen)) seen.push(finding);
      else byId.set(finding.id, [seen, finding]);
      unique.push(finding);
    }
  }
  return unique;
}
