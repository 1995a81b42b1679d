/**
 * Reads Trivy's JSON report (SchemaVersion 2) into findings. Only the fields the gate needs are
 * read; misconfigurations count only with Status FAIL. Anything that is not such a report is a
 * ReportError saying what is wrong, so the caller can name the input that pointed at it.
 */
import { identityOf, SEVERITIES, type Finding, type Severity } from './findings.js';

export class ReportError extends Error {
  override name = 'ReportError';
}

/** The parts of Trivy's report types (pkg/types/report.go) the gate reads. */
interface TrivyVulnerability {
  VulnerabilityID?: unknown;
  PkgName?: unknown;
  PkgPath?: unknown;
  PkgIdentifier?: { PURL?: unknown };
  InstalledVersion?: unknown;
  FixedVersion?: unknown;
  Severity?: unknown;
  Title?: unknown;
  PrimaryURL?: unknown;
}

interface TrivyMisconfiguration {
  ID?: unknown;
  AVDID?: unknown;
  Title?: unknown;
  Message?: unknown;
  Severity?: unknown;
  Status?: unknown;
  PrimaryURL?: unknown;
  CauseMetadata?: { StartLine?: unknown };
}

interface TrivySecret {
  RuleID?: unknown;
  Title?: unknown;
  Severity?: unknown;
  StartLine?: unknown;
}

interface TrivyResult {
  Target?: unknown;
  Vulnerabilities?: unknown;
  Misconfigurations?: unknown;
  Secrets?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const line = (value: unknown): number | undefined => (typeof value === 'number' && value > 0 ? value : undefined);

export function normalizeSeverity(value: unknown): Severity {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'UNKNOWN';
}

function listAt(result: TrivyResult, field: 'Vulnerabilities' | 'Misconfigurations' | 'Secrets', where: string): object[] {
  const list = result[field];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ReportError(`${where}.${field} is not a list`);
  return list;
}

function requireId(value: unknown, where: string, field: string): string {
  const id = text(value);
  if (!id) throw new ReportError(`${where} has no ${field}`);
  return id;
}

function finding(fields: Omit<Finding, 'key'> & { key?: string }): Finding {
  fields.key = identityOf(fields);
  return fields as Finding;
}

/** The findings of one parsed report, in the report's order (duplicates kept: see dedupe). */
export function findingsOf(report: unknown): Finding[] {
  if (typeof report !== 'object' || report === null || Array.isArray(report)) {
    throw new ReportError('it is not a JSON object');
  }
  const { SchemaVersion, Results } = report as { SchemaVersion?: unknown; Results?: unknown };
  if (SchemaVersion !== 2) {
    throw new ReportError(`its SchemaVersion is ${JSON.stringify(SchemaVersion) ?? 'missing'}, not 2 (trivy --format json)`);
  }
  if (Results === undefined || Results === null) return [];
  if (!Array.isArray(Results)) throw new ReportError('Results is not a list');

  const findings: Finding[] = [];
  Results.forEach((result: TrivyResult, r) => {
    const where = `Results[${r}]`;
    if (typeof result !== 'object' || result === null) throw new ReportError(`${where} is not an object`);
    const target = typeof result.Target === 'string' ? result.Target : '';
    listAt(result, 'Vulnerabilities', where).forEach((v: TrivyVulnerability, i) => {
      const at = `${where}.Vulnerabilities[${i}]`;
      findings.push(
        finding({
          kind: 'vulnerability',
          id: requireId(v.VulnerabilityID, at, 'VulnerabilityID'),
          target,
          severity: normalizeSeverity(v.Severity),
          title: text(v.Title),
          primaryUrl: text(v.PrimaryURL),
          pkgName: text(v.PkgName),
          pkgPath: text(v.PkgPath),
          purl: text(v.PkgIdentifier?.PURL),
          installedVersion: text(v.InstalledVersion),
          fixedVersion: text(v.FixedVersion),
        }),
      );
    });
    listAt(result, 'Misconfigurations', where).forEach((m: TrivyMisconfiguration, i) => {
      // Only failures count: a passed check is skipped before its fields are required.
      if (m.Status !== 'FAIL') return;
      const at = `${where}.Misconfigurations[${i}]`;
      const id = text(m.ID) ?? requireId(m.AVDID, at, 'ID');
      findings.push(
        finding({
          kind: 'misconfiguration',
          id,
          avdId: text(m.AVDID),
          target,
          severity: normalizeSeverity(m.Severity),
          title: text(m.Title),
          message: text(m.Message),
          primaryUrl: text(m.PrimaryURL),
          line: line(m.CauseMetadata?.StartLine),
        }),
      );
    });
    listAt(result, 'Secrets', where).forEach((s: TrivySecret, i) => {
      findings.push(
        finding({
          kind: 'secret',
          id: requireId(s.RuleID, `${where}.Secrets[${i}]`, 'RuleID'),
          target,
          severity: normalizeSeverity(s.Severity),
          title: text(s.Title),
          line: line(s.StartLine),
        }),
      );
    });
  });
  return findings;
}

/** Parses the text of a report (read once by the caller) into its findings. */
export function parseReport(json: string): Finding[] {
  let report: unknown;
  try {
    report = JSON.parse(json);
  } catch (error) {
    throw new ReportError(`it is not JSON (${(error as Error).message})`);
  }
  return findingsOf(report);
}
