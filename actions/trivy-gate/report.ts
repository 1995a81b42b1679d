/**
 * Reads Trivy's JSON report (SchemaVersion 2) into findings. Only the fields the gate needs are
 * read; misconfigurations count only with Status FAIL. Anything that is not such a report is a
 * ReportError saying what is wrong, so the caller can name the input that pointed at it.
 */
import { identityOf, ReportFinding, SEVERITIES, type Finding, type Severity } from './findings.js';

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

const KNOWN = new Set<unknown>(SEVERITIES);

/** What merging duplicates may fill in on a finding (see dedupe). */
type Mergeable = 'title' | 'primaryUrl' | 'purl' | 'installedVersion' | 'fixedVersion';

/**
 * A vulnerability as a view over Trivy's own object: five slots instead of a copy of every field.
 * The difference is not small: 100,000 copies (144 bytes each) outlived the young generation and
 * made V8 double it, 30 MB more peak memory than the parse itself (bench/trivy-gate.ts). A value
 * set by a merge is kept beside the report's and wins over it.
 */
class VulnerabilityFinding implements Finding {
  #merged: Partial<Record<Mergeable, string | undefined>> | undefined = undefined;

  constructor(
    private readonly raw: TrivyVulnerability,
    readonly id: string,
    readonly target: string,
    public severity: Severity,
  ) {}

  get kind(): 'vulnerability' {
    return 'vulnerability';
  }
  get key(): string {
    // Not kept: asked for once or twice per finding (a baseline, a long duplicate chain), and a
    // slot less in 100,000 views is 0.8 MB less for the young generation to hold.
    return identityOf(this);
  }
  get pkgName() {
    return text(this.raw.PkgName);
  }
  get pkgPath() {
    return text(this.raw.PkgPath);
  }
  get title() {
    return this.#get('title', this.raw.Title);
  }
  set title(value) {
    this.#set('title', value);
  }
  get primaryUrl() {
    return this.#get('primaryUrl', this.raw.PrimaryURL);
  }
  set primaryUrl(value) {
    this.#set('primaryUrl', value);
  }
  get purl() {
    return this.#get('purl', this.raw.PkgIdentifier?.PURL);
  }
  set purl(value) {
    this.#set('purl', value);
  }
  get installedVersion() {
    return this.#get('installedVersion', this.raw.InstalledVersion);
  }
  set installedVersion(value) {
    this.#set('installedVersion', value);
  }
  get fixedVersion() {
    return this.#get('fixedVersion', this.raw.FixedVersion);
  }
  set fixedVersion(value) {
    this.#set('fixedVersion', value);
  }

  #get(field: Mergeable, reported: unknown): string | undefined {
    const merged = this.#merged;
    return merged && field in merged ? merged[field] : text(reported);
  }
  #set(field: Mergeable, value: string | undefined): void {
    (this.#merged ??= {})[field] = value;
  }
}

export function normalizeSeverity(value: unknown): Severity {
  if (KNOWN.has(value)) return value as Severity; // as Trivy writes them: no new string per finding
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

  // Plain loops and one class: this runs once per finding of reports that hold 100,000 of them.
  const findings: Finding[] = new Array(capacity(Results));
  let n = 0;
  for (let r = 0; r < Results.length; r++) {
    const result = Results[r] as TrivyResult;
    const where = `Results[${r}]`;
    if (typeof result !== 'object' || result === null) throw new ReportError(`${where} is not an object`);
    const target = typeof result.Target === 'string' ? result.Target : '';
    const vulnerabilities = listAt(result, 'Vulnerabilities', where) as TrivyVulnerability[];
    for (let i = 0; i < vulnerabilities.length; i++) {
      const v = vulnerabilities[i];
      const id = text(v.VulnerabilityID) ?? requireId(undefined, `${where}.Vulnerabilities[${i}]`, 'VulnerabilityID');
      findings[n++] = new VulnerabilityFinding(v, id, target, normalizeSeverity(v.Severity));
    }
    const misconfigurations = listAt(result, 'Misconfigurations', where) as TrivyMisconfiguration[];
    for (let i = 0; i < misconfigurations.length; i++) {
      const m = misconfigurations[i];
      // Only failures count: a passed check is skipped before its fields are required.
      if (m.Status !== 'FAIL') continue;
      const id = text(m.ID) ?? requireId(m.AVDID, `${where}.Misconfigurations[${i}]`, 'ID');
      const finding = new ReportFinding('misconfiguration', id, target, normalizeSeverity(m.Severity));
      finding.avdId = text(m.AVDID);
      finding.title = text(m.Title);
      finding.message = text(m.Message);
      finding.primaryUrl = text(m.PrimaryURL);
      finding.line = line(m.CauseMetadata?.StartLine);
      findings[n++] = finding;
    }
    const secrets = listAt(result, 'Secrets', where) as TrivySecret[];
    for (let i = 0; i < secrets.length; i++) {
      const s = secrets[i];
      const finding = new ReportFinding('secret', requireId(s.RuleID, `${where}.Secrets[${i}]`, 'RuleID'), target, normalizeSeverity(s.Severity));
      finding.title = text(s.Title);
      finding.line = line(s.StartLine);
      findings[n++] = finding;
    }
  }
  findings.length = n; // passed checks were left out
  return findings;
}

/** How many findings a report holds at most, so their array is made once at its size. */
function capacity(results: unknown[]): number {
  let total = 0;
  for (const result of results as TrivyResult[]) {
    if (typeof result !== 'object' || result === null) continue;
    for (const list of [result.Vulnerabilities, result.Misconfigurations, result.Secrets]) if (Array.isArray(list)) total += list.length;
  }
  return total;
}

/** JSON.parse, with the error a caller can name its input with. */
export function parseJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new ReportError(`it is not JSON (${(error as Error).message})`);
  }
}

/** Parses the text of a report (read once by the caller) into its findings. */
export function parseReport(json: string): Finding[] {
  return findingsOf(parseJson(json));
}
