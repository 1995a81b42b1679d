/**
 * The cases whose step results (exit code, outputs, job summary, SARIF file) were recorded from the
 * committed trivy-gate bundle BEFORE its hot paths were reworked for speed, in
 * test/fixtures/trivy-golden/<case>/. golden.test.ts runs today's bundle on the same cases and
 * wants the same bytes; `npx tsx test/trivy-gate/record-golden.ts` records them again (only when a
 * change of output is intended, and said so in the commit).
 *
 * Every real report of test/fixtures/trivy with the default policy and SARIF, plus cases for what
 * the reports alone do not reach: several reports merged (duplicates whose severity and fix merge),
 * both ignore-file formats with paths, purls and expired rules, a baseline, budgets, unfixed
 * counted, `fail-on-error: false`, the 200-row cap, and text that needs escaping. Dates are far in
 * the past or future so that no recording depends on the day it runs.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot, trivyFixtures } from '../harness.js';
import { misconfiguration, report, secret, vulnerability } from './reports.js';

export const goldenDir = join(repoRoot, 'test', 'fixtures', 'trivy-golden');

export interface GoldenCase {
  name: string;
  /** Workspace files: `fixture:<name>` copies a real report, anything else is the text itself. */
  files: Record<string, string>;
  inputs: Record<string, string>;
}

export const REAL_REPORTS = [
  'alpine-39-high-critical.json',
  'alpine-39-ignore-cveids.json',
  'alpine-39.json',
  'centos-7-ignore-unfixed.json',
  'centos-7.json',
  'debian-buster-ignore-unfixed.json',
  'debian-buster.json',
  'distroless-base.json',
  'dockerfile.json',
  'gomod.json',
  'helm.json',
  'npm.json',
  'pip.json',
  'secrets.json',
  'spring4shell-jre8.json',
];

/** Text a scanned artefact may carry that the summary must escape (cells, links, long titles). */
function awkwardReport(): string {
  const long = `${'very long title '.repeat(12)}end`;
  return JSON.stringify(
    report(
      {
        target: 'app|name `with` <html> & [brackets]',
        vulnerabilities: [
          { ...vulnerability({ id: 'CVE-2026-0001', pkg: 'pkg_with*stars*', severity: 'critical', fixed: '2.0' }), Title: long },
          { ...vulnerability({ id: 'CVE-2026-0002', pkg: 'pkg\\back', severity: 'HIGH', fixed: '1.1\n1.2' }), PrimaryURL: 'https://example.com/a (b)' },
          { ...vulnerability({ id: 'CVE-2026-0003', pkg: 'nourl', severity: 'HIGH', fixed: '3' }), PrimaryURL: 'javascript:alert(1)' },
          { ...vulnerability({ id: 'CVE-2026-0004', pkg: 'odd-severity', severity: 'SEVERE', fixed: '1' }) },
          { VulnerabilityID: 'CVE-2026-0005', PkgName: '', Severity: 'CRITICAL', FixedVersion: '', Title: '' },
        ],
        misconfigurations: [misconfiguration('DS-0002', 'HIGH', 'FAIL', 4, 'Specify at least 1 USER | `root`'), misconfiguration('DS-0026', 'LOW', 'PASS')],
        secrets: [secret('github-pat', 'LOW', 9)],
      },
      { target: 'lib/node_modules/a/package.json', vulnerabilities: [vulnerability({ id: 'CVE-2026-0006', pkg: 'a', severity: 'MEDIUM', path: 'lib/node_modules/a/package.json', purl: 'pkg:npm/a@1.0.0' })] },
    ),
  );
}

/** 300 blocking CRITICAL findings over two targets (the table stops at 200 rows), with duplicates. */
function manyReport(): string {
  const vulnerabilities = Array.from({ length: 300 }, (_, i) =>
    vulnerability({ id: `CVE-2025-${1000 + i}`, pkg: `lib-${i % 40}`, severity: i % 3 ? 'CRITICAL' : 'HIGH', fixed: i % 5 ? `1.${i}` : undefined, installed: `0.${i}` }),
  );
  return JSON.stringify(report({ target: 'image (debian 12)', vulnerabilities }, { target: 'image (debian 12)', vulnerabilities: vulnerabilities.slice(0, 20) }));
}

/** A second scan of alpine-39 where one finding is more severe and another gains a fix. */
function alpineRescan(): string {
  return JSON.stringify(
    report({
      target: 'testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)',
      vulnerabilities: [
        vulnerability({ id: 'CVE-2019-1549', pkg: 'libcrypto1.1', severity: 'CRITICAL', fixed: '1.1.1d-r0', installed: '1.1.1c-r0' }),
        vulnerability({ id: 'CVE-2026-9999', pkg: 'musl', severity: 'MEDIUM', installed: '1.1.20-r4' }),
      ],
    }),
  );
}

const YAML_IGNORE = `vulnerabilities:
  - id: CVE-2019-1551
    paths: ["testdata/**"]
    statement: not reachable from the service
    expired_at: 2099-12-31
  - id: CVE-2019-1563
    expired_at: 2020-06-30
  - purls: ["pkg:npm/a"]
misconfigurations:
  - id: AVD-DS-0002
    paths: ["app*"]
secrets:
  - id: github-pat
    paths: ["tests/**"]
licenses:
  - id: GPL-3.0
`;

const PLAIN_IGNORE = `# accepted risks
CVE-2019-1549 exp:2099-01-01
CVE-2019-1551 exp:2021-02-03
CVE-2019-1547 exp:2024-02-30
DS002
`;

export const GOLDEN_CASES: GoldenCase[] = [
  ...REAL_REPORTS.map((name) => ({
    name: name.replace(/\.json$/, ''),
    files: { 'report.json': `fixture:${name}` },
    inputs: { report: 'report.json', sarif: 'out/trivy.sarif' },
  })),
  {
    name: 'merged-ignore-yaml-baseline',
    files: {
      'reports/alpine.json': 'fixture:alpine-39.json',
      'reports/alpine-rescan.json': alpineRescan(),
      'reports/awkward.json': awkwardReport(),
      'reports/base.json': 'fixture:alpine-39-high-critical.json',
      'policy/ignore.yaml': YAML_IGNORE,
    },
    inputs: {
      report: 'reports/*.json',
      baseline: 'reports/base.json',
      'ignore-file': 'policy/ignore.yaml',
      severity: 'CRITICAL,HIGH,MEDIUM',
      'max-medium': '1',
      'ignore-unfixed': 'false',
      sarif: 'merged.sarif',
    },
  },
  {
    name: 'plain-ignore-fail-on-error-false',
    files: { 'alpine.json': 'fixture:alpine-39.json', 'docker.json': 'fixture:dockerfile.json', '.trivyignore': PLAIN_IGNORE },
    inputs: { report: 'alpine.json\ndocker.json', severity: 'CRITICAL,MEDIUM,LOW', 'max-low': '0', 'fail-on-error': 'false' },
  },
  {
    name: 'row-cap',
    files: { 'many.json': manyReport() },
    inputs: { report: 'many.json', sarif: 'many.sarif', 'max-high': '2' },
  },
  {
    name: 'budgets-pass',
    files: { 'helm.json': 'fixture:helm.json', 'npm.json': 'fixture:npm.json' },
    inputs: { report: 'helm.json\nnpm.json', severity: 'CRITICAL', 'max-high': '50', 'max-critical': '10', 'ignore-unfixed': 'false' },
  },
];

/** A fresh workspace holding the case's files. */
export function caseWorkspace(golden: GoldenCase): string {
  const dir = mkdtempSync(join(tmpdir(), `trivy-golden-${golden.name}-`));
  for (const [name, content] of Object.entries(golden.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    if (content.startsWith('fixture:')) copyFileSync(join(trivyFixtures, content.slice('fixture:'.length)), join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  return dir;
}

export interface StepRecord {
  exitCode: number | null;
  /** Outputs with the workspace path replaced by `<workspace>`. */
  outputs: Record<string, string>;
}

export const WORKSPACE_MARK = '<workspace>';
