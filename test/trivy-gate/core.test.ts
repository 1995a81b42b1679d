/**
 * The pure core: reports → findings → verdict. Expected numbers for the real reports were computed
 * independently of this code, with jq over the fixture files (identity as the contract says, FAIL
 * misconfigurations only, duplicates merged), and are written here as literals.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trivyFixtures } from '../harness.js';
import { parseReport, ReportError } from '../../actions/trivy-gate/report.js';
import { judge, type Policy } from '../../actions/trivy-gate/policy.js';
import { parseIgnoreFile, type IgnoreRule } from '../../actions/trivy-gate/ignore.js';
import { dedupe, type Finding } from '../../actions/trivy-gate/findings.js';
import { misconfiguration, report, secret, vulnerability } from './reports.js';

const fixtures = trivyFixtures;
const NOW = new Date('2026-03-01T12:00:00Z');
const DEFAULT_POLICY: Policy = { severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: true, budgets: {} };
const ALL: Policy = { severities: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'], ignoreUnfixed: true, budgets: {} };

const fixture = (name: string) => parseReport(readFileSync(join(fixtures, name), 'utf8'));
const built = (value: object) => parseReport(JSON.stringify(value));

/** The rules of an ignore file: its name (the extension picks the format) and its text. */
const rulesOf = async (fileName: string, text: string) => (await parseIgnoreFile(text, fileName)).rules;

function verdictOf(findings: Finding[], policy: Partial<Policy> = {}, extra: { rules?: IgnoreRule[]; baseline?: Finding[] } = {}) {
  return judge({
    findings,
    rules: extra.rules ?? [],
    policy: { ...DEFAULT_POLICY, ...policy },
    baseline: extra.baseline ? new Set(extra.baseline.map((f) => f.key)) : undefined,
    now: NOW,
  });
}

const counts = (v: ReturnType<typeof verdictOf>) => ({
  critical: v.bySeverity.CRITICAL.count,
  high: v.bySeverity.HIGH.count,
  medium: v.bySeverity.MEDIUM.count,
  low: v.bySeverity.LOW.count,
  unknown: v.bySeverity.UNKNOWN.count,
});

describe('every real Trivy report, default policy (CRITICAL,HIGH; ignore-unfixed)', () => {
  // name, passed, blocking, critical, high, medium, low, unknown, blocking with all severities gated
  test.each([
    ['alpine-39-high-critical.json', false, 2, 2, 0, 0, 0, 0, 2],
    ['alpine-39-ignore-cveids.json', true, 0, 0, 0, 2, 0, 0, 2],
    ['alpine-39.json', false, 2, 2, 0, 4, 0, 0, 6],
    ['centos-7-ignore-unfixed.json', true, 0, 0, 0, 1, 1, 0, 2],
    ['centos-7.json', true, 0, 0, 0, 1, 2, 0, 2],
    ['debian-buster-ignore-unfixed.json', false, 1, 1, 0, 0, 0, 0, 1],
    ['debian-buster.json', false, 1, 1, 0, 0, 1, 0, 1],
    ['distroless-base.json', true, 0, 0, 0, 2, 2, 0, 2],
    ['dockerfile.json', false, 1, 0, 1, 0, 0, 0, 1],
    ['gomod.json', true, 0, 0, 0, 1, 0, 4, 5],
    ['helm.json', false, 3, 0, 3, 4, 11, 0, 18],
    ['npm.json', true, 0, 0, 0, 1, 0, 0, 1],
    ['pip.json', false, 1, 0, 1, 1, 0, 0, 2],
    ['secrets.json', false, 2, 1, 1, 0, 0, 0, 2],
    ['spring4shell-jre8.json', true, 0, 0, 0, 0, 1, 0, 1],
  ])('%s', (name, passed, blocking, critical, high, medium, low, unknown, blockingAllSeverities) => {
    const findings = fixture(name);
    const verdict = verdictOf(findings);
    expect(verdict.passed).toBe(passed);
    expect(verdict.blocking).toHaveLength(blocking);
    expect(counts(verdict)).toEqual({ critical, high, medium, low, unknown });
    expect(verdict.ignored).toHaveLength(0);
    // Every severity gated: only unfixed vulnerabilities (centos bash, debian bash, 2× distroless) stay out.
    expect(verdictOf(findings, ALL).blocking).toHaveLength(blockingAllSeverities);
  });

  test('gomod: the same advisory in three go.mod targets counts three times', () => {
    const verdict = verdictOf(fixture('gomod.json'), ALL);
    expect(verdict.findings.filter((f) => f.id === 'GMS-2022-20').map((f) => f.target)).toEqual(['go.mod', 'submod/go.mod', 'submod2/go.mod']);
  });

  test('alpine: one CVE in two packages counts twice; blocking rows carry package, versions and URL', () => {
    const verdict = verdictOf(fixture('alpine-39.json'));
    expect(verdict.blocking.map((f) => [f.id, f.pkgName, f.installedVersion, f.fixedVersion, f.primaryUrl])).toEqual([
      ['CVE-2019-14697', 'musl', '1.1.20-r4', '1.1.20-r5', 'https://avd.aquasec.com/nvd/cve-2019-14697'],
      ['CVE-2019-14697', 'musl-utils', '1.1.20-r4', '1.1.20-r5', 'https://avd.aquasec.com/nvd/cve-2019-14697'],
    ]);
  });

  test('several reports are merged: the same report twice counts once', () => {
    const twice = [...fixture('alpine-39.json'), ...fixture('alpine-39.json'), ...fixture('secrets.json')];
    const verdict = verdictOf(twice);
    expect(verdict.findings).toHaveLength(6 + 2);
    expect(verdict.blocking).toHaveLength(2 + 2);
  });

  test('ignore-unfixed off: the unfixed CRITICAL-less reports still pass, a gated unfixed finding blocks', () => {
    expect(verdictOf(fixture('distroless-base.json'), { severities: ['MEDIUM'], ignoreUnfixed: false }).blocking).toHaveLength(2);
    expect(verdictOf(fixture('distroless-base.json'), { severities: ['MEDIUM'], ignoreUnfixed: true }).blocking).toHaveLength(0);
  });
});

describe('edge cases', () => {
  const target = 'example/app:1.0 (debian 12)';

  test('empty report: no Results at all, or Results without findings, passes with zero counts', () => {
    for (const empty of [{ SchemaVersion: 2, ArtifactName: 'x' }, report({ target }), { SchemaVersion: 2, Results: null }]) {
      const verdict = verdictOf(built(empty));
      expect(verdict.passed).toBe(true);
      expect(counts(verdict)).toEqual({ critical: 0, high: 0, medium: 0, low: 0, unknown: 0 });
    }
  });

  test.each([
    ['not JSON', 'hello', /it is not JSON/],
    ['an array (Trivy 0.19 SchemaVersion 1 output)', '[{"Target":"x","Vulnerabilities":[]}]', /not a JSON object/],
    ['SchemaVersion 1', '{"SchemaVersion":1,"Results":[]}', /SchemaVersion is 1, not 2/],
    ['a SARIF file', '{"version":"2.1.0","runs":[]}', /SchemaVersion is missing, not 2/],
    ['Results not a list', '{"SchemaVersion":2,"Results":{}}', /Results is not a list/],
    ['a vulnerability without ID', '{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"PkgName":"a"}]}]}', /Results\[0\]\.Vulnerabilities\[0\] has no VulnerabilityID/],
  ])('not a Trivy report: %s', (_name, text, message) => {
    expect(() => parseReport(text)).toThrow(ReportError);
    expect(() => parseReport(text)).toThrow(message);
  });

  test('duplicates are merged before counting, keeping the higher severity and the fix a copy knows', () => {
    const findings = built(
      report(
        { target, vulnerabilities: [vulnerability({ id: 'CVE-1', pkg: 'openssl', severity: 'MEDIUM' })] },
        { target, vulnerabilities: [vulnerability({ id: 'CVE-1', pkg: 'openssl', severity: 'HIGH', fixed: '3.0.1' })] },
        { target, secrets: [secret('aws-access-key-id', 'CRITICAL', 3), secret('aws-access-key-id', 'CRITICAL', 3)] },
        { target, misconfigurations: [misconfiguration('DS-0002', 'HIGH', 'FAIL', 4), misconfiguration('DS-0002', 'HIGH', 'FAIL', 4)] },
      ),
    );
    const verdict = verdictOf(findings);
    expect(counts(verdict)).toEqual({ critical: 1, high: 2, medium: 0, low: 0, unknown: 0 });
    expect(verdict.blocking.map((f) => `${f.id}:${f.severity}:${f.fixedVersion ?? ''}`)).toEqual(['aws-access-key-id:CRITICAL:', 'CVE-1:HIGH:3.0.1', 'DS-0002:HIGH:']);
  });

  test('identity: same CVE in two packages or two paths counts twice; misconfig by line and message; secret by line', () => {
    const findings = built(
      report(
        {
          target: 'Java',
          vulnerabilities: [
            vulnerability({ id: 'CVE-2', pkg: 'log4j', severity: 'HIGH', fixed: '2', path: 'a.war/log4j.jar' }),
            vulnerability({ id: 'CVE-2', pkg: 'log4j', severity: 'HIGH', fixed: '2', path: 'b.war/log4j.jar' }),
            vulnerability({ id: 'CVE-2', pkg: 'log4j-core', severity: 'HIGH', fixed: '2', path: 'a.war/log4j.jar' }),
          ],
        },
        {
          target: 'Dockerfile',
          misconfigurations: [misconfiguration('DS-1', 'HIGH', 'FAIL', 3), misconfiguration('DS-1', 'HIGH', 'FAIL', 7), misconfiguration('DS-1', 'HIGH', 'FAIL', 7, 'other message')],
        },
        { target: 'deploy.sh', secrets: [secret('github-pat', 'LOW', 1), secret('github-pat', 'LOW', 2)] },
      ),
    );
    expect(verdictOf(findings).blocking).toHaveLength(3 + 3 + 2);
  });

  test('one ID in many packages of a target (past the chain that moves to identity keys): each package counts once, copies merge', () => {
    const packages = (severity: string, fixed?: string) =>
      Array.from({ length: 150 }, (_, i) => vulnerability({ id: 'CVE-9', pkg: `lib${i}`, severity, fixed, path: i % 2 ? `jars/lib${i}.jar` : undefined }));
    const findings = built(
      report(
        { target: 'image', vulnerabilities: packages('LOW') },
        { target: 'other', vulnerabilities: packages('LOW') },
        { target: 'image', vulnerabilities: [...packages('CRITICAL', '2.0'), vulnerability({ id: 'CVE-9', pkg: 'lib0', severity: 'LOW', path: 'elsewhere.jar' })] },
      ),
    );
    const unique = dedupe(findings);
    expect(unique).toHaveLength(301);
    // The first copies keep their place; the later CRITICAL copies with a fix merged into them.
    expect(unique.slice(0, 150).every((f) => f.target === 'image' && f.severity === 'CRITICAL' && f.fixedVersion === '2.0')).toBe(true);
    expect(unique.slice(150, 300).every((f) => f.target === 'other' && f.severity === 'LOW' && f.fixedVersion === undefined)).toBe(true);
    expect([unique[300].pkgName, unique[300].pkgPath]).toEqual(['lib0', 'elsewhere.jar']);
    expect(new Set(unique.map((f) => f.key)).size).toBe(301);
  });

  test('misconfigurations: PASS never counts, FAIL does', () => {
    const findings = built(
      report({ target: 'Dockerfile', misconfigurations: [misconfiguration('DS-1', 'CRITICAL', 'PASS', 1), misconfiguration('DS-2', 'HIGH', 'FAIL', 2), misconfiguration('DS-3', 'LOW', 'PASS')] }),
    );
    const verdict = verdictOf(findings);
    expect(counts(verdict)).toEqual({ critical: 0, high: 1, medium: 0, low: 0, unknown: 0 });
    expect(verdict.blocking.map((f) => f.id)).toEqual(['DS-2']);
    expect(verdictOf(built(report({ target: 'Dockerfile', misconfigurations: [misconfiguration('DS-1', 'CRITICAL', 'PASS', 1)] }))).passed).toBe(true);
  });

  test('secrets block whatever their severity and whatever the budgets, unless ignored', async () => {
    const findings = built(report({ target: 'app/.env', secrets: [secret('slack-webhook', 'LOW', 1), secret('generic', 'UNKNOWN', 9)] }));
    const verdict = verdictOf(findings, { budgets: { LOW: 10 } });
    expect(verdict.passed).toBe(false);
    expect(verdict.blocking).toHaveLength(2);
    expect(counts(verdict)).toEqual({ critical: 0, high: 0, medium: 0, low: 1, unknown: 1 });
    const ignored = verdictOf(findings, {}, { rules: await rulesOf('.trivyignore', 'slack-webhook\ngeneric\n') });
    expect([ignored.passed, ignored.ignored.length, ignored.bySeverity.LOW.count]).toEqual([true, 2, 0]);
  });

  test('unfixed: reported in the counts, never blocking with ignore-unfixed, blocking without it', () => {
    const findings = built(report({ target, vulnerabilities: [vulnerability({ id: 'CVE-3', pkg: 'bash', severity: 'CRITICAL' })] }));
    const on = verdictOf(findings);
    expect([on.passed, on.bySeverity.CRITICAL.count, on.bySeverity.CRITICAL.eligible, on.unfixed]).toEqual([true, 1, 0, 1]);
    expect(verdictOf(findings, { ignoreUnfixed: false }).blocking).toHaveLength(1);
  });

  describe('budgets', () => {
    const highs = (n: number) =>
      built(report({ target, vulnerabilities: Array.from({ length: n }, (_, i) => vulnerability({ id: `CVE-${i}`, pkg: 'p', severity: 'HIGH', fixed: '2' })) }));

    test('exactly met passes; one over fails and then every eligible finding of it blocks', () => {
      expect(verdictOf(highs(3), { budgets: { HIGH: 3 } }).passed).toBe(true);
      const over = verdictOf(highs(4), { budgets: { HIGH: 3 } });
      expect([over.passed, over.blocking.length, over.bySeverity.HIGH.failed]).toEqual([false, 4, true]);
    });

    test('an empty budget is 0', () => {
      expect(verdictOf(highs(1)).blocking).toHaveLength(1);
    });

    test('a budget given for a severity outside `severity` gates it', () => {
      const mediums = built(report({ target, vulnerabilities: [1, 2, 3].map((i) => vulnerability({ id: `CVE-${i}`, pkg: 'p', severity: 'MEDIUM', fixed: '2' })) }));
      expect(verdictOf(mediums).passed).toBe(true);
      expect(verdictOf(mediums, { budgets: { MEDIUM: 3 } }).passed).toBe(true);
      expect(verdictOf(mediums, { budgets: { MEDIUM: 2 } }).blocking).toHaveLength(3);
    });

    test('unfixed and baseline findings do not use up a budget', () => {
      const findings = built(
        report({
          target,
          vulnerabilities: [
            vulnerability({ id: 'CVE-1', pkg: 'a', severity: 'HIGH', fixed: '2' }),
            vulnerability({ id: 'CVE-2', pkg: 'a', severity: 'HIGH' }),
            vulnerability({ id: 'CVE-3', pkg: 'a', severity: 'HIGH', fixed: '2' }),
          ],
        }),
      );
      const baseline = built(report({ target, vulnerabilities: [vulnerability({ id: 'CVE-3', pkg: 'a', severity: 'HIGH', fixed: '2' })] }));
      const verdict = verdictOf(findings, { budgets: { HIGH: 1 } }, { baseline });
      expect([verdict.passed, verdict.bySeverity.HIGH.count, verdict.bySeverity.HIGH.eligible]).toEqual([true, 3, 1]);
    });
  });

  test('baseline: only findings not in it can block (an upgraded, still vulnerable package is not new)', () => {
    const old = built(report({ target, vulnerabilities: [vulnerability({ id: 'CVE-OLD', pkg: 'zlib', severity: 'CRITICAL', fixed: '2', installed: '1.0' })] }));
    const now = built(
      report(
        { target, vulnerabilities: [vulnerability({ id: 'CVE-OLD', pkg: 'zlib', severity: 'CRITICAL', fixed: '2', installed: '1.1' })] },
        { target, vulnerabilities: [vulnerability({ id: 'CVE-NEW', pkg: 'zlib', severity: 'HIGH', fixed: '2' })] },
        { target: 'app/.env', secrets: [secret('aws-access-key-id', 'CRITICAL', 1)] },
      ),
    );
    const withBaseline = verdictOf(now, {}, { baseline: [...old, ...built(report({ target: 'app/.env', secrets: [secret('aws-access-key-id', 'CRITICAL', 1)] }))] });
    expect(withBaseline.blocking.map((f) => f.id)).toEqual(['CVE-NEW']);
    expect([withBaseline.bySeverity.CRITICAL.count, withBaseline.inBaseline]).toEqual([2, 2]);
    expect(verdictOf(now).blocking).toHaveLength(3);
  });

  test('expired ignore rule no longer ignores; a live one does and is counted as ignored', async () => {
    const findings = built(
      report({
        target,
        vulnerabilities: [vulnerability({ id: 'CVE-A', pkg: 'a', severity: 'CRITICAL', fixed: '2' }), vulnerability({ id: 'CVE-B', pkg: 'b', severity: 'CRITICAL', fixed: '2' })],
      }),
    );
    const verdict = verdictOf(findings, {}, { rules: await rulesOf('.trivyignore', 'CVE-A exp:2026-02-28\nCVE-B exp:2026-03-02\n') });
    expect(verdict.blocking.map((f) => f.id)).toEqual(['CVE-A']);
    expect([verdict.ignored.length, verdict.bySeverity.CRITICAL.count]).toEqual([1, 1]);
  });

  test('ignored, counts and blocking follow the contract on a real report with a YAML ignore file', async () => {
    const rules = 'vulnerabilities:\n  - id: CVE-2019-14697\n    purls: ["pkg:apk/alpine/musl"]\n    statement: not reachable\n';
    const verdict = verdictOf(fixture('alpine-39.json'), {}, { rules: await rulesOf('.trivyignore.yaml', rules) });
    expect(verdict.ignored.map((i) => i.finding.pkgName)).toEqual(['musl']);
    expect(verdict.blocking.map((f) => f.pkgName)).toEqual(['musl-utils']);
    expect(counts(verdict)).toEqual({ critical: 1, high: 0, medium: 4, low: 0, unknown: 0 });
  });
});
