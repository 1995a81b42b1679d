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

/** A 32-bit FNV-1a hash of a string, folded into `hash`. */
function hashText(hash: number, text: string | undefined): number {
  if (text !== undefined) for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return Math.imul(hash ^ 0xff, 16777619); // a separator, so ("ab", "c") and ("a", "bc") differ
}

/** A hash of everything identityOf reads: equal identities hash equal. */
const KIND_SALT: Record<FindingKind, number> = { vulnerability: 1, misconfiguration: 2, secret: 3 };

function identityHash(finding: Finding, targetHash: number): number {
  const hash = hashText(Math.imul(targetHash ^ KIND_SALT[finding.kind], 16777619), finding.id);
  switch (finding.kind) {
    case 'vulnerability':
      return hashText(hashText(hash, finding.pkgName), finding.pkgPath);
    case 'misconfiguration':
      return hashText(hashText(hash, finding.line === undefined ? undefined : String(finding.line)), finding.message);
    case 'secret':
      return hashText(hash, finding.line === undefined ? undefined : String(finding.line));
  }
}

const sameIdentity = (a: Finding, b: Finding) => a.id === b.id && a.target === b.target && sameRest(a, b);

/**
 * Merges duplicates (same identity) keeping the first occurrence's order. A duplicate may fill in
 * what the first lacks (fixed version, URL, PURL, title), and the higher severity wins, so merging
 * never makes a finding less severe.
 *
 * This is the hot path of a large report, and it allocates next to nothing on V8's heap: findings
 * are found again through an open-addressing table of indexes in a typed array (memory outside the
 * heap the garbage collector copies), hashed from the fields of their identity, and compared field
 * by field; no key string is built. Maps of 100,000 entries cost 8 MB of young objects, enough to
 * make V8 double its young generation (bench/trivy-gate.ts). Without duplicates, the input array is
 * returned as it is.
 */
export function dedupe(findings: Iterable<Finding>): Finding[] {
  const all = Array.isArray(findings) ? (findings as Finding[]) : [...findings];
  let size = 16;
  while (size < all.length * 2) size *= 2;
  const slots = new Int32Array(size).fill(-1);
  // Each slot's hash beside it: a probe past a different finding compares two numbers instead of
  // reading that finding (a cache miss per probe, a third of the time of this function).
  const hashes = new Int32Array(size);
  const targetHashes = new Map<string, number>();
  let lastTarget: string | undefined;
  let targetHash = 0;
  let unique: Finding[] | undefined;
  for (let i = 0; i < all.length; i++) {
    const finding = all[i];
    // A report lists a target's findings together: its hash is looked up once per run of them.
    if (finding.target !== lastTarget) {
      lastTarget = finding.target;
      const known = targetHashes.get(lastTarget);
      if (known === undefined) targetHashes.set(lastTarget, (targetHash = hashText(0x811c9dc5, lastTarget)));
      else targetHash = known;
    }
    const hash = identityHash(finding, targetHash);
    let slot = hash & (size - 1);
    let first: Finding | undefined;
    for (; slots[slot] !== -1; slot = (slot + 1) & (size - 1)) {
      if (hashes[slot] !== hash) continue;
      const other = all[slots[slot]];
      if (sameIdentity(other, finding)) {
        first = other;
        break;
      }
    }
    if (first) {
      merge(first, finding);
      unique ??= all.slice(0, i);
    } else {
      slots[slot] = i;
      hashes[slot] = hash;
      unique?.push(finding);
    }
  }
  return unique ?? all;
}
