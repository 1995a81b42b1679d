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

/** Past this many findings with one ID in one target (one CVE in many packages), that ID's findings are found by their identity key. */
const LONG_CHAIN = 64;

/** A 32-bit FNV-1a hash of a string, folded into `hash`. */
function hashText(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash;
}

/**
 * Merges duplicates (same identity) keeping the first occurrence's order. A duplicate may fill in
 * what the first lacks (fixed version, URL, PURL, title), and the higher severity wins, so merging
 * never makes a finding less severe.
 *
 * This is the hot path of a large report, and it allocates nothing on V8's heap but a number per
 * target: findings sharing a target and an ID (one CVE in several packages) form a group, found
 * through an open-addressing table of indexes in an Int32Array (memory outside the heap the
 * garbage collector copies) by a hash of the ID and the target's number, and chained through a
 * second Int32Array; within a group, findings are compared field by field. For 100,000 findings
 * that takes 7–9 ms; a Map per target (V8 hashing each ID in C++) took as long but left 5.5 MB of
 * young garbage, enough to cost a scavenge when SARIF is written, and a hash of every identity
 * field took 12 ms (bench/README.md). A group that grows past LONG_CHAIN moves to identity keys,
 * so no report makes this quadratic. Without duplicates, the input array is returned as it is.
 */
export function dedupe(findings: Iterable<Finding>): Finding[] {
  const all = Array.isArray(findings) ? (findings as Finding[]) : [...findings];
  let size = 16;
  while (size < all.length * 2) size *= 2;
  const mask = size - 1;
  // Per slot: the group's last unique finding (-1: empty), the group's hash, and whether the group
  // moved to identity keys.
  const heads = new Int32Array(size).fill(-1);
  const hashes = new Int32Array(size);
  const keyed = new Uint8Array(size);
  // Per finding: the unique finding before it in its group, or -1.
  const earlier = new Int32Array(all.length);
  const targetNumbers = new Map<string, number>();
  let byKey: Map<string, Finding> | undefined;
  let lastTarget: string | undefined;
  let targetHash = 0;
  let unique: Finding[] | undefined;
  for (let i = 0; i < all.length; i++) {
    const finding = all[i];
    const { target, id } = finding;
    // A report lists a target's findings together: its number is looked up once per run of them.
    if (target !== lastTarget) {
      lastTarget = target;
      let number = targetNumbers.get(target);
      if (number === undefined) targetNumbers.set(target, (number = targetNumbers.size));
      targetHash = Math.imul(0x811c9dc5 ^ number, 16777619);
    }
    const hash = hashText(targetHash, id);
    let slot = hash & mask;
    let head = -1;
    for (; heads[slot] !== -1; slot = (slot + 1) & mask) {
      if (hashes[slot] !== hash) continue;
      const other = all[heads[slot]];
      if (other.target === target && other.id === id) {
        head = heads[slot];
        break;
      }
    }
    let first: Finding | undefined;
    if (head === -1) {
      heads[slot] = i;
      hashes[slot] = hash;
      earlier[i] = -1;
    } else if (keyed[slot]) {
      first = byKey!.get(finding.key);
      if (first === undefined) byKey!.set(finding.key, finding);
    } else {
      let length = 0;
      for (let j = head; j !== -1; j = earlier[j], length++) {
        if (sameRest(all[j], finding)) {
          first = all[j];
          break;
        }
      }
      if (first === undefined) {
        if (length < LONG_CHAIN) {
          earlier[i] = head;
          heads[slot] = i;
        } else {
          byKey ??= new Map();
          for (let j = head; j !== -1; j = earlier[j]) byKey.set(all[j].key, all[j]);
          byKey.set(finding.key, finding);
          keyed[slot] = 1;
        }
      }
    }
    if (first) {
      merge(first, finding);
      unique ??= all.slice(0, i);
    } else {
      unique?.push(finding);
    }
  }
  return unique ?? all;
}
