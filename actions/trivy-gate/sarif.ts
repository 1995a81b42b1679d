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

export function toSarif(verdict: Pick<Verdict, 'findings' | 'blockingKeys'>, toolVersion?: string): SarifLog {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const results: SarifResult[] = [];
  const uris = new Map<string, string>(); // many findings share a target
  for (const finding of verdict.findings) {
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
    const where = finding.kind === 'vulnerability' ? (finding.pkgPath ?? finding.target) : finding.target;
    let uri = uris.get(where);
    if (uri === undefined) uris.set(where, (uri = uriOf(where)));
    results.push({
      ruleId: finding.id,
      ruleIndex: index,
      level: levelOf(finding, verdict.blockingKeys.has(finding.key)),
      message: { text: describe(finding) },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: finding.line ?? 1 } } }],
    });
  }
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
