/** Inputs, SARIF (validated against the SARIF 2.1.0 schema) and the job summary. */
import '@microsoft/jest-sarif';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trivyFixtures } from '../harness.js';
import { readInputs } from '../../actions/trivy-gate/config.js';
import { localFiles } from '../../actions/trivy-gate/gate.js';
import { parseReport } from '../../actions/trivy-gate/report.js';
import { judge } from '../../actions/trivy-gate/policy.js';
import { sarifChunks, toSarif } from '../../actions/trivy-gate/sarif.js';
import { cell, failureMessage, renderSummary } from '../../actions/trivy-gate/summary.js';
import { cacheKey, trivyArgs } from '../../actions/trivy-gate/scan.js';
import { report, vulnerability } from './reports.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const fixtures = trivyFixtures;
const DEFAULTS = { 'INPUT_SEVERITY': 'CRITICAL,HIGH', 'INPUT_IGNORE-UNFIXED': 'true', 'INPUT_EXPIRY-WARNING-DAYS': '14', 'INPUT_FAIL-ON-ERROR': 'true' };

describe('inputs', () => {
  test('defaults and budgets', () => {
    const inputs = readInputs({ ...DEFAULTS, INPUT_REPORT: 'a.json\nreports/*.json', 'INPUT_MAX-HIGH': '3', 'INPUT_MAX-LOW': '0' });
    expect(inputs).toEqual({
      reports: ['a.json', 'reports/*.json'],
      image: undefined,
      policy: { severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: true, budgets: { HIGH: 3, LOW: 0 } },
      ignoreFile: undefined,
      expiryWarningDays: 14,
      baseline: undefined,
      sarif: undefined,
      failOnError: true,
    });
    expect(readInputs({ ...DEFAULTS, INPUT_IMAGE: `ghcr.io/sunday/app@sha256:${'ab'.repeat(32)}`, INPUT_SEVERITY: 'critical, medium' }).policy.severities).toEqual(['CRITICAL', 'MEDIUM']);
  });

  test.each([
    [{}, "Input 'report' or 'image' is required: give a Trivy JSON report, or an image to scan"],
    [{ INPUT_REPORT: 'a.json', INPUT_IMAGE: 'alpine' }, "Input 'image' cannot be used together with 'report': give one or the other"],
    [{ INPUT_IMAGE: '--config=/etc/x' }, "Input 'image' must be an image reference such as ghcr.io/owner/app:1.2.3"],
    [{ INPUT_REPORT: 'a.json', INPUT_SEVERITY: 'CRITICAL,SEVERE' }, "Input 'severity' must list severities among CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN, separated by commas"],
    [{ INPUT_REPORT: 'a.json', 'INPUT_MAX-CRITICAL': '-1' }, "Input 'max-critical' must be a whole number of at least 0"],
    [{ INPUT_REPORT: 'a.json', 'INPUT_MAX-MEDIUM': 'ten' }, "Input 'max-medium' must be a whole number of at least 0"],
    [{ INPUT_REPORT: 'a.json', 'INPUT_IGNORE-UNFIXED': 'yes' }, "Input 'ignore-unfixed' must be true or false"],
    [{ INPUT_REPORT: 'a.json', 'INPUT_EXPIRY-WARNING-DAYS': '2w' }, "Input 'expiry-warning-days' must be a whole number of at least 0"],
    [{ INPUT_REPORT: 'a.json', 'INPUT_FAIL-ON-ERROR': 'no' }, "Input 'fail-on-error' must be true or false"],
  ])('rejects %j', (env, message) => {
    expect(() => readInputs({ ...DEFAULTS, ...env })).toThrow(message);
  });
});

describe('SARIF', () => {
  test.each(['alpine-39.json', 'helm.json', 'secrets.json', 'spring4shell-jre8.json', 'gomod.json'])('%s gives a valid SARIF 2.1.0 log', (name) => {
    const findings = parseReport(readFileSync(join(fixtures, name), 'utf8'));
    const verdict = judge({ findings, rules: [], policy: { severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: true, budgets: {} }, now: NOW });
    const sarif = toSarif(verdict);
    expect(sarif).toBeValidSarifLog();
    expect(sarif.runs[0].results).toHaveLength(verdict.findings.length);
    expect(sarif.runs[0].results.filter((r) => r.level === 'error')).toHaveLength(verdict.blocking.length);
  });

  // Each piece copied as it comes: its buffer is filled again for the next.
  const copies = (pieces: Iterable<Uint8Array>) => Array.from(pieces, (piece) => Buffer.from(piece));

  test('the SARIF text written in pieces is JSON.stringify of the log, byte for byte, across chunk boundaries', async () => {
    const policy = { severities: ['CRITICAL', 'HIGH'] as const, ignoreUnfixed: true, budgets: {} };
    const cases = ['alpine-39.json', 'helm.json', 'secrets.json', 'npm.json'].map((name) => parseReport(readFileSync(join(fixtures, name), 'utf8')));
    // Over 2 MiB of results, so the text comes in several pieces.
    cases.push(parseReport(JSON.stringify(report({ target: 'app (debian 12)', vulnerabilities: Array.from({ length: 12000 }, (_, i) => vulnerability({ id: `CVE-2026-${i % 900}`, pkg: `pkg-${i}`, severity: ['CRITICAL', 'LOW', 'HIGH'][i % 3], fixed: i % 4 ? '2.0' : undefined, path: i % 5 ? undefined : `opt/app ${i}/lib.jar` })) }))));
    cases.push([]);
    // Fields the text made by parts must leave to JSON.stringify: quotes, backslashes, control and
    // non-ASCII characters, lone and paired surrogates, ends that trimEnd cuts, missing fields.
    const odd = ['a"b', 'back\\slash', 'tab\there', 'caf\u00e9', 'lone \ud800', 'pair \ud83d\ude00', 'ends with space ', 'ends\u00a0', ' '];
    const tricky = odd.flatMap((text, i) => [
      { VulnerabilityID: `CVE-2026-${i}`, PkgName: text, InstalledVersion: '1.0', Severity: 'HIGH', FixedVersion: '1.1' },
      { VulnerabilityID: `CVE-2026-1${i}`, PkgName: 'pkg', InstalledVersion: text, Severity: 'CRITICAL' },
      { VulnerabilityID: `CVE-2026-2${i}`, PkgName: 'pkg', InstalledVersion: '2.0', Severity: 'LOW', FixedVersion: text },
      { VulnerabilityID: `CVE-2026-3${i}`, PkgName: `pkg${i}`, Severity: 'MEDIUM' },
      { VulnerabilityID: `CVE-2026-4${i}`, PkgName: text, Severity: 'MEDIUM' },
      { VulnerabilityID: `CVE-${text}`, PkgName: 'pkg', InstalledVersion: '3.0', Severity: 'HIGH', FixedVersion: '3.1' },
      { VulnerabilityID: `CVE-2026-5${i}`, InstalledVersion: '3.0', Severity: 'HIGH', PkgPath: `opt/${text}/x.jar` },
      { VulnerabilityID: `CVE-2026-6${i}`, PkgName: 'pkg', InstalledVersion: '1.0', Severity: 'LOW', Title: text, PrimaryURL: `https://example.com/${text}` },
      { VulnerabilityID: `CVE-2026-7${i}`, PkgName: 'pkg', InstalledVersion: '1.0', Severity: 'LOW', Title: `title ${text}`, PrimaryURL: text },
    ]);
    cases.push(parseReport(JSON.stringify(report(...odd.map((text) => ({ target: `image (${text})`, vulnerabilities: tricky })), { target: 'plain', vulnerabilities: tricky }))));
    for (const findings of cases) {
      const verdict = judge({ findings, rules: [], policy: { ...policy, severities: [...policy.severities] }, now: NOW });
      const pieces = copies(sarifChunks(verdict));
      expect(Buffer.concat(pieces).toString('utf8')).toBe(`${JSON.stringify(toSarif(verdict))}\n`);
      expect(Buffer.concat(pieces).equals(Buffer.from(`${JSON.stringify(toSarif(verdict))}\n`))).toBe(true);
      expect(Buffer.concat(copies(sarifChunks(verdict, '0.50.1'))).toString('utf8')).toBe(`${JSON.stringify(toSarif(verdict, '0.50.1'))}\n`);
      if (findings.length === 12000) {
        expect(pieces.length).toBeGreaterThan(2);
        // Written as the step writes it, each piece before the next is made.
        const dir = mkdtempSync(join(tmpdir(), 'sarif-'));
        try {
          await localFiles.writeChunks(join(dir, 'out/trivy.sarif'), sarifChunks(verdict));
          expect(readFileSync(join(dir, 'out/trivy.sarif')).equals(Buffer.concat(pieces))).toBe(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  });

  test('a broken log is caught by the schema check (the check can fail)', () => {
    expect({ version: '2.1.0', runs: [{ results: [] }] }).not.toBeValidSarifLog();
  });

  test('rules carry security-severity and help links; locations are URI references; secrets carry no matched text', () => {
    const sarif = toSarif(judge({ findings: parseReport(readFileSync(join(fixtures, 'secrets.json'), 'utf8')), rules: [], policy: { severities: ['CRITICAL'], ignoreUnfixed: true, budgets: {} }, now: NOW }));
    expect(JSON.stringify(sarif)).not.toContain('ghp_0123456789');
    expect(sarif.runs[0].tool.driver.rules.map((r) => [r.id, r.properties['security-severity']])).toEqual([
      ['aws-access-key-id', '9.5'],
      ['mysecret', '8.0'],
    ]);
    const alpine = toSarif(judge({ findings: parseReport(readFileSync(join(fixtures, 'alpine-39.json'), 'utf8')), rules: [], policy: { severities: ['CRITICAL'], ignoreUnfixed: true, budgets: {} }, now: NOW }));
    expect(alpine.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('testdata/fixtures/images/alpine-39.tar.gz%20(alpine%203.9.4)');
    expect(alpine.runs[0].tool.driver.rules[0].helpUri).toBe('https://avd.aquasec.com/nvd/cve-2019-1549');
  });
});

describe('job summary', () => {
  const many = (n: number) =>
    parseReport(JSON.stringify(report({ target: 'app', vulnerabilities: Array.from({ length: n }, (_, i) => vulnerability({ id: `CVE-2026-${i}`, pkg: `pkg-${i}`, severity: 'CRITICAL', fixed: '2.0' })) })));
  const context = { sources: ['report.json'], warnings: [], failOnError: true, ignoreUnfixed: true };

  test('lists blocking findings with linked ID, package, installed → fixed, severity, target; counts by severity', () => {
    const verdict = judge({ findings: parseReport(readFileSync(join(fixtures, 'alpine-39.json'), 'utf8')), rules: [], policy: { severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: true, budgets: {} }, now: NOW });
    const summary = renderSummary(verdict, context);
    expect(summary).toContain('## ❌ trivy-gate failed: 2 blocking findings');
    expect(summary).toContain('| [CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697) | musl | 1.1.20-r4 → 1.1.20-r5 | CRITICAL | testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4) |');
    expect(summary).toContain('| CRITICAL | 2 | 2 | 0 | ❌ over budget |');
    expect(summary).toContain('| MEDIUM | 4 | 4 | — | not gated |');
    expect(failureMessage(verdict)).toBe('trivy-gate failed: 2 blocking findings (2 CRITICAL over a budget of 0); see the job summary');
  });

  test('the table is capped and says how many more; 100 000 blocking findings stay far under 1 MiB', () => {
    const verdict = judge({ findings: many(100_000), rules: [], policy: { severities: ['CRITICAL'], ignoreUnfixed: true, budgets: {} }, now: NOW });
    const summary = renderSummary(verdict, context);
    expect(summary.match(/^\| \[CVE-2026-/gm)).toHaveLength(200);
    expect(summary).toContain('…and 99800 more blocking findings, not listed here');
    expect(Buffer.byteLength(summary)).toBeLessThan(256 * 1024);
  });

  test('report text cannot break the table or inject HTML', () => {
    expect(cell('a|b<script>`x`\nc')).toBe('a\\|b&lt;script&gt;\\`x\\` c');
    expect(cell('x'.repeat(500))).toHaveLength(160);
  });
});

describe('image mode pieces', () => {
  test('the database cache key is by UTC date', () => {
    expect(cacheKey(new Date('2026-03-01T23:59:59Z'))).toBe('trivy-db-2026-03-01');
    expect(cacheKey(new Date('2026-03-02T00:00:00Z'))).toBe('trivy-db-2026-03-02');
  });

  test('trivy runs as `trivy image --format json --output <file> … <image>`, the image last', () => {
    expect(trivyArgs('alpine:3.9', '/tmp/r.json', '/c', '/tmp/none')).toEqual([
      'image', '--format', 'json', '--output', '/tmp/r.json', '--cache-dir', '/c', '--ignorefile', '/tmp/none', '--no-progress', 'alpine:3.9',
    ]);
  });
});
