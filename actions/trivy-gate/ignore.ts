/**
 * Trivy's ignore files, both formats, matched as Trivy matches them (pkg/result/ignore.go):
 * - `.trivyignore`: one ID per line, `#` comments, an optional `exp:YYYY-MM-DD` field; each ID
 *   applies to vulnerabilities, misconfigurations and secrets alike. A line whose expiry date does
 *   not parse is skipped with a warning, as Trivy does (so the finding still counts).
 * - `.trivyignore.yaml` (chosen by the `.yml`/`.yaml` extension): `vulnerabilities`,
 *   `misconfigurations`, `secrets` lists of `{id, paths, purls, statement, expired_at}`. A rule
 *   may leave out `id` when it names paths or purls (newer Trivy does the same).
 * A rule applies while `now` is not past its expiry (midnight UTC of the date, Trivy's reading).
 * Paths are globs (`**` crosses folders) matched against the target, and for a vulnerability also
 * against its package path; a rule's PURLs only ever match a vulnerability that has a PURL.
 */
import type { Finding, FindingKind } from './findings.js';
import { parsePurl, purlMatches, type PackageUrl } from './purl.js';

export class IgnoreFileError extends Error {
  override name = 'IgnoreFileError';
}

export interface IgnoreRule {
  /** Undefined: any ID (a YAML rule narrowed by paths or purls only). */
  id?: string;
  kinds: readonly FindingKind[];
  /** Globs (minimatch, `dot: true`), compiled when the file is read. */
  paths: PathGlob[];
  purls: string[];
  statement?: string;
  expiresAt?: Date;
  /** Where the rule is written, for messages: `file:line` or `file (section[i])`. */
  source: string;
}

/** A compiled path glob (a Minimatch). */
export interface PathGlob {
  readonly pattern: string;
  match(path: string): boolean;
}

export interface ParsedIgnoreFile {
  rules: IgnoreRule[];
  warnings: string[];
}

const ALL_KINDS: readonly FindingKind[] = ['vulnerability', 'misconfiguration', 'secret'];
const YAML_SECTIONS: Record<string, FindingKind | undefined> = {
  vulnerabilities: 'vulnerability',
  misconfigurations: 'misconfiguration',
  secrets: 'secret',
  licenses: undefined, // licenses are not judged by the gate
};
const DAY_MS = 86_400_000;

/** Chooses the format by extension, as Trivy does. */
export async function parseIgnoreFile(text: string, fileName: string): Promise<ParsedIgnoreFile> {
  return /\.ya?ml$/i.test(fileName) ? parseYamlIgnore(text, fileName) : parsePlainIgnore(text, fileName);
}

export function parsePlainIgnore(text: string, fileName: string): ParsedIgnoreFile {
  const rules: IgnoreRule[] = [];
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const source = `${fileName}:${index + 1}`;
    const expiry = fields.slice(1).find((field) => field.startsWith('exp:'));
    let expiresAt: Date | undefined;
    if (expiry) {
      expiresAt = parseDay(expiry.slice(4));
      if (!expiresAt) {
        warnings.push(`${source}: '${expiry}' is not a date (exp:YYYY-MM-DD); the rule for ${fields[0]} is skipped`);
        return;
      }
    }
    rules.push({ id: fields[0], kinds: ALL_KINDS, paths: [], purls: [], expiresAt, source });
  });
  return { rules, warnings };
}

function parseDay(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().startsWith(text) ? date : undefined; // rejects 2024-02-30
}

function parseExpiry(value: unknown, where: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string') {
    const day = parseDay(value.trim());
    if (day) return day;
    // Go's yaml decodes RFC 3339 timestamps into time.Time as well.
    if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  }
  throw new IgnoreFileError(`${where}: expired_at must be a date such as 2025-12-31`);
}

function stringList(value: unknown, where: string, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw new IgnoreFileError(`${where}: ${field} must be a list of strings`);
  }
  return value;
}

export async function parseYamlIgnore(text: string, fileName: string): Promise<ParsedIgnoreFile> {
  // Loaded only for a YAML ignore file: the parser was 4.5 ms of every gate's start-up (bench/README.md).
  const { parse: parseYaml } = await import('yaml');
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new IgnoreFileError(`${fileName} is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (document === null || document === undefined) return { rules: [], warnings: [] };
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new IgnoreFileError(`${fileName} must be a mapping with vulnerabilities, misconfigurations and secrets lists`);
  }
  const rules: IgnoreRule[] = [];
  const warnings: string[] = [];
  for (const [section, entries] of Object.entries(document)) {
    if (!(section in YAML_SECTIONS)) {
      warnings.push(`${fileName}: unknown section '${section}' is not used`);
      continue;
    }
    const kind = YAML_SECTIONS[section];
    if (entries === null) continue;
    if (!Array.isArray(entries)) throw new IgnoreFileError(`${fileName}: ${section} must be a list`);
    if (!kind) continue;
    for (const [index, entry] of (entries as unknown[]).entries()) {
      const where = `${fileName} (${section}[${index}])`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw new IgnoreFileError(`${where}: each rule must be a mapping with an id`);
      }
      const { id, paths, purls, statement, expired_at } = entry as Record<string, unknown>;
      if (id !== undefined && id !== null && (typeof id !== 'string' || id === '')) {
        throw new IgnoreFileError(`${where}: id must be a string`);
      }
      const rule: IgnoreRule = {
        id: (id as string | null | undefined) ?? undefined,
        kinds: [kind],
        paths: await globs(stringList(paths, where, 'paths')),
        purls: stringList(purls, where, 'purls'),
        statement: typeof statement === 'string' ? statement : undefined,
        expiresAt: parseExpiry(expired_at, where),
        source: where,
      };
      for (const purl of rule.purls) {
        if (!parsePurl(purl)) throw new IgnoreFileError(`${where}: '${purl}' is not a package URL (pkg:type/name@version)`);
      }
      if (!rule.id && !rule.paths.length && !rule.purls.length) {
        throw new IgnoreFileError(`${where}: a rule needs an id, paths or purls (it would ignore everything)`);
      }
      rules.push(rule);
    }
  }
  return { rules, warnings };
}

/** Compiles a rule's path globs; minimatch is loaded only for a file that has some. */
async function globs(patterns: string[]): Promise<PathGlob[]> {
  if (!patterns.length) return [];
  const { Minimatch } = await import('minimatch');
  return patterns.map((pattern) => new Minimatch(pattern, { dot: true }));
}

export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expiresAt !== undefined && rule.expiresAt.getTime() < now.getTime();
}

const day = (date: Date) => date.toISOString().slice(0, 10);
const ruleName = (rule: IgnoreRule) => rule.id ?? 'rule';

/** Warnings for rules already expired (they no longer ignore) and rules expiring within `days`. */
export function expiryWarnings(rules: IgnoreRule[], now: Date, days: number): string[] {
  const warnings: string[] = [];
  for (const rule of rules) {
    if (!rule.expiresAt) continue;
    if (isExpired(rule, now)) {
      warnings.push(`Ignore rule ${ruleName(rule)} (${rule.source}) expired on ${day(rule.expiresAt)}: it no longer ignores anything`);
    } else if (rule.expiresAt.getTime() - now.getTime() <= days * DAY_MS) {
      warnings.push(`Ignore rule ${ruleName(rule)} (${rule.source}) expires on ${day(rule.expiresAt)}, within ${days} days`);
    }
  }
  return warnings;
}

interface CompiledRule {
  rule: IgnoreRule;
  purls: PackageUrl[];
}

/** Matches findings against the rules in force at `now`; rules are indexed by ID for speed. */
export class IgnoreMatcher {
  private readonly byId = new Map<string, CompiledRule[]>();
  private readonly anyId: CompiledRule[] = [];

  constructor(rules: IgnoreRule[], now: Date) {
    for (const rule of rules) {
      if (isExpired(rule, now)) continue;
      const compiled: CompiledRule = { rule, purls: rule.purls.map((purl) => parsePurl(purl)!) };
      if (rule.id === undefined) this.anyId.push(compiled);
      else this.byId.set(rule.id, [...(this.byId.get(rule.id) ?? []), compiled]);
    }
  }

  /** The first rule in force that ignores this finding. */
  match(finding: Finding): IgnoreRule | undefined {
    // Called once per finding (100,000 in the benchmark): no allocation on the common path.
    return (
      firstApplying(this.byId.get(finding.id), finding) ??
      (finding.avdId ? firstApplying(this.byId.get(finding.avdId), finding) : undefined) ??
      firstApplying(this.anyId, finding)
    );
  }
}

function firstApplying(rules: CompiledRule[] | undefined, finding: Finding): IgnoreRule | undefined {
  if (rules) for (let i = 0; i < rules.length; i++) if (applies(rules[i], finding)) return rules[i].rule;
  return undefined;
}

function applies({ rule, purls }: CompiledRule, finding: Finding): boolean {
  if (!rule.kinds.includes(finding.kind)) return false;
  const { paths } = rule;
  if (paths.length) {
    const places = finding.kind === 'vulnerability' && finding.pkgPath ? [finding.target, finding.pkgPath] : [finding.target];
    if (!paths.some((pattern) => places.some((place) => pattern.match(place)))) return false;
  }
  if (purls.length) {
    const own = finding.purl ? parsePurl(finding.purl) : undefined;
    if (!own || !purls.some((purl) => purlMatches(purl, own))) return false;
  }
  return true;
}

export interface IgnoredFinding {
  finding: Finding;
  rule: IgnoreRule;
}

export function applyIgnoreRules(findings: Finding[], rules: IgnoreRule[], now: Date): { kept: Finding[]; ignored: IgnoredFinding[] } {
  const kept: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  if (!rules.length) return { kept: findings, ignored };
  const matcher = new IgnoreMatcher(rules, now);
  for (let i = 0; i < findings.length; i++) {
    // An index loop: for…of allocates an iterator result per finding until V8 optimizes it.
    const finding = findings[i];
    const rule = matcher.match(finding);
    if (rule) ignored.push({ finding, rule });
    else kept.push(finding);
  }
  return { kept, ignored };
}
