/**
 * trivy-gate on a 100,000-finding report: generates one (Trivy's JSON shape, fields as in the
 * real reports of test/fixtures/trivy, descriptions shortened) in a temporary folder with a
 * .trivyignore.yaml, then times the gate's whole run from the file on disk to the verdict and the
 * SARIF file, counting file reads to show the report is loaded once. Median of N runs.
 *
 *   npx tsx bench/trivy-gate.ts [-- --runs 7] [--findings 100000]
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputs } from '../actions/trivy-gate/config.js';
import { localFiles, prepareGate, runGate, type GateFiles } from '../actions/trivy-gate/gate.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const runs = arg('runs', 7);
const total = arg('findings', 100_000);
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

function vulnerability(i: number) {
  const id = `CVE-${2015 + (i % 10)}-${10000 + (i % 40000)}`;
  const pkg = `lib-${i % 3000}`;
  return {
    VulnerabilityID: id,
    PkgID: `${pkg}@1.${i % 7}.0`,
    PkgName: pkg,
    PkgIdentifier: { PURL: `pkg:deb/debian/${pkg}@1.${i % 7}.0?arch=amd64&distro=debian-12`, UID: (i * 2654435761).toString(16) },
    InstalledVersion: `1.${i % 7}.0`,
    ...(i % 4 === 0 ? { Status: 'affected' } : { FixedVersion: `1.${i % 7}.1`, Status: 'fixed' }),
    Layer: { DiffID: 'sha256:f1b5933fe4b5f49bbe8258745cf396afe07e625bdab3168e364daf7c956b6b81' },
    SeveritySource: 'nvd',
    PrimaryURL: `https://avd.aquasec.com/nvd/${id.toLowerCase()}`,
    DataSource: { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://salsa.debian.org/security-tracker-team/security-tracker' },
    Title: `${pkg}: memory corruption in parser ${i}`,
    Description: 'A flaw was found in the parser: a crafted input can cause an out-of-bounds read, leading to a crash or information disclosure.',
    Severity: SEVERITIES[i % 5],
    CweIDs: ['CWE-125'],
    CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', V3Score: 7.5 } },
    References: [`https://security-tracker.debian.org/tracker/${id}`, `https://nvd.nist.gov/vuln/detail/${id}`],
    PublishedDate: '2019-09-10T17:15:00Z',
    LastModifiedDate: '2023-11-07T03:13:00Z',
  };
}

function generate(dir: string): string {
  const secrets = 100;
  const misconfigurations = 900;
  const vulnerabilities = total - secrets - misconfigurations;
  const targets = 50;
  const results = Array.from({ length: targets }, (_, t) => ({
    Target: `ghcr.io/sunday/app:1.0 (layer ${t})`,
    Class: 'os-pkgs',
    Type: 'debian',
    Vulnerabilities: Array.from({ length: vulnerabilities / targets }, (_, i) => vulnerability(t * 100_000 + i)),
  }));
  results.push({
    Target: 'Dockerfile',
    Class: 'config',
    Type: 'dockerfile',
    // Every misconfiguration counted FAILs; 300 PASS entries more, which the gate must not count.
    Misconfigurations: Array.from({ length: misconfigurations + 300 }, (_, i) => ({
      Type: 'Dockerfile Security Check', ID: `DS-${i}`, AVDID: `AVD-DS-${i}`, Title: 'Image user should not be root', Message: `Line ${i}: specify a USER`,
      Severity: SEVERITIES[i % 5], Status: i < misconfigurations ? 'FAIL' : 'PASS', PrimaryURL: `https://avd.aquasec.com/misconfig/ds-${i}`, CauseMetadata: { StartLine: i + 1, EndLine: i + 1 },
    })),
  } as never);
  results.push({
    Target: 'app/.env',
    Class: 'secret',
    Secrets: Array.from({ length: secrets }, (_, i) => ({ RuleID: 'generic-api-key', Category: 'Generic', Severity: 'HIGH', Title: 'API key', StartLine: i + 1, EndLine: i + 1, Match: 'KEY=****' })),
  } as never);
  const path = join(dir, 'report.json');
  writeFileSync(path, JSON.stringify({ SchemaVersion: 2, ArtifactName: 'ghcr.io/sunday/app:1.0', ArtifactType: 'container_image', Results: results }));
  const rules = Array.from({ length: 100 }, (_, i) => `  - id: CVE-2019-${10000 + i * 37}\n    statement: not reachable\n    expired_at: 2099-01-01`);
  writeFileSync(join(dir, '.trivyignore.yaml'), `vulnerabilities:\n${rules.join('\n')}\nsecrets:\n  - id: generic-api-key\n    paths: ["tests/**"]\n`);
  return path;
}

const dir = mkdtempSync(join(tmpdir(), 'trivy-gate-bench-'));
try {
  const reportPath = generate(dir);
  const megabytes = statSync(reportPath).size / 1024 / 1024;
  const reads = new Map<string, number>();
  const files: GateFiles = {
    ...localFiles,
    readText: (path) => {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      return readFileSync(path, 'utf8');
    },
  };
  const measure = (sarif: boolean) => {
    const inputs = readInputs({
      INPUT_REPORT: 'report.json', INPUT_SEVERITY: 'CRITICAL,HIGH', 'INPUT_IGNORE-UNFIXED': 'true', 'INPUT_EXPIRY-WARNING-DAYS': '14',
      'INPUT_MAX-HIGH': '5000', 'INPUT_FAIL-ON-ERROR': 'true', INPUT_SARIF: sarif ? 'out.sarif' : '',
    });
    const times: number[] = [];
    let verdict = '';
    for (let i = 0; i < runs; i++) {
      reads.clear();
      const started = performance.now();
      const result = runGate(prepareGate(inputs, dir, files), inputs.reports, new Date());
      times.push(performance.now() - started);
      const v = result.verdict;
      verdict = `${v.findings.length + v.ignored.length} findings after merging, ${v.ignored.length} ignored, ${v.blocking.length} blocking`;
      if (reads.get(reportPath) !== 1) throw new Error(`the report was read ${reads.get(reportPath)} times`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const ms = (n: number) => `${n.toFixed(0)} ms`;
    return { verdict, text: `median ${ms(sorted[Math.floor(runs / 2)])} (min ${ms(sorted[0])}, max ${ms(sorted[runs - 1])}, ${runs} runs)` };
  };
  const plain = measure(false);
  const withSarif = measure(true);
  console.log(`node ${process.version}; report: ${total} findings (${total - 1000} vulnerabilities, 900 failed misconfigurations, 100 secrets; plus 300 passed checks), ${megabytes.toFixed(1)} MB`);
  console.log(`verdict: ${plain.verdict}; the report file is read once per run`);
  console.log(`read + parse + merge + ignore rules + judge: ${plain.text}`);
  console.log(`the same + SARIF file written:            ${withSarif.text}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
