/**
 * SARIF 2.1.0 for code-scanning upload: one result per finding left after ignore rules, `error`
 * for the blocking ones; rules carry GitHub's `security-severity` so code scanning ranks them the
 * way Trivy's own SARIF does. Secret findings never carry the matched text, only where it is.
 */
import type { Finding, Severity } from './findings.js';
import type { Verdict } from './policy.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const SECURITY_SEVERITY: Record<Severity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' };

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri?: string;
  help: { text: string };
  properties: { tags: string[]; 'security-severity': string; precision: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
}

interface SarifRun {
  tool: { driver: { name: string; version?: string; informationUri: string; rules: SarifRule[] } };
  results: SarifResult[];
}

/** A target or package path as a relative URI reference ("alpine (alpine 3.9)" has spaces). */
function uriOf(path: string): string {
  const cleaned = path.replace(/^\/+/, '') || 'unknown';
  return cleaned.split('/').map(encodeURIComponent).join('/');
}

function describe(finding: Finding): string {
  switch (finding.kind) {
    case 'vulnerability':
      return [
        `${finding.id} in ${finding.pkgName ?? 'unknown package'} ${finding.installedVersion ?? ''}`.trimEnd(),
        `Severity: ${finding.severity}`,
        `Fixed version: ${finding.fixedVersion ?? 'none'}`,
        `Target: ${finding.target}`,
      ].join('\n');
    case 'misconfiguration':
      return [`${finding.id}: ${finding.message ?? finding.title ?? ''}`, `Severity: ${finding.severity}`, `Target: ${finding.target}`].join('\n');
    case 'secret':
      return [`Secret (${finding.id}): ${finding.title ?? ''}`, `Severity: ${finding.severity}`, `Target: ${finding.target}`].join('\n');
  }
}

function levelOf(finding: Finding, blocking: boolean): SarifResult['level'] {
  if (blocking) return 'error';
  return finding.severity === 'CRITICAL' || finding.severity === 'HIGH' ? 'warning' : 'note';
}

/** The rules (one per ID, at its highest severity) and the rule index of each finding, in order. */
function rulesOf(findings: readonly Finding[]): { rules: SarifRule[]; indexes: Uint32Array } {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const indexes = new Uint32Array(findings.length);
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    let index = ruleIndex.get(finding.id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(finding.id, index);
      const title = finding.title ?? finding.id;
      rules.push({
        id: finding.id,
        name: finding.kind,
        shortDescription: { text: title },
        ...(finding.primaryUrl?.startsWith('http') ? { helpUri: finding.primaryUrl } : {}),
        help: { text: `${title}${finding.primaryUrl ? `\n${finding.primaryUrl}` : ''}` },
        properties: { tags: ['security', finding.kind], 'security-severity': SECURITY_SEVERITY[finding.severity], precision: 'very-high' },
      });
    } else if (Number(SECURITY_SEVERITY[finding.severity]) > Number(rules[index].properties['security-severity'])) {
      rules[index].properties['security-severity'] = SECURITY_SEVERITY[finding.severity];
    }
    indexes[i] = index;
  }
  return { rules, indexes };
}

/** Makes each finding's result in turn; many findings share a target, so URIs are kept. */
function resultMaker(verdict: Pick<Verdict, 'blockingSet'>): (finding: Finding, ruleIndex: number) => SarifResult {
  const uris = new Map<string, string>();
  return (finding, ruleIndex) => {
    const where = finding.kind === 'vulnerability' ? (finding.pkgPath ?? finding.target) : finding.target;
    let uri = uris.get(where);
    if (uri === undefined) uris.set(where, (uri = uriOf(where)));
    return {
      ruleId: finding.id,
      ruleIndex,
      level: levelOf(finding, verdict.blockingSet.has(finding)),
      message: { text: describe(finding) },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: finding.line ?? 1 } } }],
    };
  };
}

function logWith(rules: SarifRule[], results: SarifResult[], toolVersion?: string): SarifLog {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'trivy-gate',
            informationUri: 'https://github.com/aquasecurity/trivy',
            rules,
            ...(toolVersion ? { version: toolVersion } : {}),
          },
        },
        results,
      },
    ],
  };
}

export function toSarif(verdict: Pick<Verdict, 'findings' | 'blockingSet'>, toolVersion?: string): SarifLog {
  const { rules, indexes } = rulesOf(verdict.findings);
  const result = resultMaker(verdict);
  return logWith(rules, verdict.findings.map((finding, i) => result(finding, indexes[i])), toolVersion);
}

const CHUNK_CHARS = 1 << 20;
const quote = (text: string) => JSON.stringify(text);
const RANKS = Object.keys(SECURITY_SEVERITY) as Severity[]; // most severe first

/** A rule's JSON as JSON.stringify writes the rule object of rulesOf (same members, same order). */
function ruleJson(finding: Finding, severity: Severity): string {
  const title = finding.title ?? finding.id;
  const helpUri = finding.primaryUrl?.startsWith('http') ? `,"helpUri":${quote(finding.primaryUrl)}` : '';
  const help = `${title}${finding.primaryUrl ? `\n${finding.primaryUrl}` : ''}`;
  return (
    `{"id":${quote(finding.id)},"name":${quote(finding.kind)},"shortDescription":{"text":${quote(title)}}${helpUri},"help":{"text":${quote(help)}},` +
    `"properties":{"tags":["security",${quote(finding.kind)}],"security-severity":"${SECURITY_SEVERITY[severity]}","precision":"very-high"}}`
  );
}

/**
 * The text of `JSON.stringify(toSarif(verdict)) + "\n"`, the same bytes (a test compares them), in
 * pieces of about 1 MiB, written by hand around JSON.stringify of each string: for 100,000
 * findings the log as objects (a dozen per result and per rule) and as one string doubled the
 * step's peak memory and time (bench/trivy-gate.ts).
 */
export function* sarifText(verdict: Pick<Verdict, 'findings' | 'blockingSet'>, toolVersion?: string): Generator<string> {
  const { findings } = verdict;
  // Rules: one per ID, from its first finding, at the highest severity of its findings.
  const ruleOf = new Map<string, number>();
  const firstOfRule: number[] = [];
  const ranks: number[] = [];
  const indexes = new Uint32Array(findings.length);
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    let index = ruleOf.get(finding.id);
    const rank = RANKS.indexOf(finding.severity);
    if (index === undefined) {
      index = firstOfRule.length;
      ruleOf.set(finding.id, index);
      firstOfRule.push(i);
      ranks.push(rank);
    } else if (rank < ranks[index]) {
      ranks[index] = rank;
    }
    indexes[i] = index;
  }
  let chunk = `{"$schema":${quote(SARIF_SCHEMA)},"version":"2.1.0","runs":[{"tool":{"driver":{"name":"trivy-gate","informationUri":"https://github.com/aquasecurity/trivy","rules":[`;
  for (let r = 0; r < firstOfRule.length; r++) {
    chunk += `${r ? ',' : ''}${ruleJson(findings[firstOfRule[r]], RANKS[ranks[r]])}`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  chunk += `]${toolVersion ? `,"version":${quote(toolVersion)}` : ''}}},"results":[`;
  const uris = new Map<string, string>(); // quoted, per target or package path
  const ruleIds = new Map<number, string>(); // quoted, per rule
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    const where = finding.kind === 'vulnerability' ? (finding.pkgPath ?? finding.target) : finding.target;
    let uri = uris.get(where);
    if (uri === undefined) uris.set(where, (uri = quote(uriOf(where))));
    const index = indexes[i];
    let ruleId = ruleIds.get(index);
    if (ruleId === undefined) ruleIds.set(index, (ruleId = quote(finding.id)));
    chunk +=
      `${i ? ',' : ''}{"ruleId":${ruleId},"ruleIndex":${index},"level":"${levelOf(finding, verdict.blockingSet.has(finding))}",` +
      `"message":{"text":${quote(describe(finding))}},"locations":[{"physicalLocation":{"artifactLocation":{"uri":${uri}},"region":{"startLine":${finding.line ?? 1}}}}]}`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}]}\n`;
}
