/**
 * The committed bundle (dist/trivy-gate), run through the runner as GitHub runs it.
 *
 * The `image` mode: no Trivy can be installed on this machine, so these tests put a recording
 * `trivy` shell script first on PATH. It checks the arguments it is given (`image --format json
 * --output <file> … <image>`), records them, and writes one of the real Trivy reports from
 * test/fixtures/trivy as its output — standing in for Trivy, not for the gate.
 */
import '@microsoft/jest-sarif';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStep, trivyFixtures } from '../harness.js';

const fixtures = trivyFixtures;
const made: string[] = [];

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'trivy-gate-ws-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    if (content.startsWith('fixture:')) copyFileSync(join(fixtures, content.slice(8)), join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  return dir;
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const today = () => new Date().toISOString().slice(0, 10);
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const warnings = (r: { annotations: Array<{ level: string; message: string }> }) => r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);

describe('report mode', () => {
  test('a failing report: outputs, one error, summary table; several reports by glob are merged', async () => {
    const ws = workspace({ 'reports/alpine.json': 'fixture:alpine-39.json', 'reports/alpine-again.json': 'fixture:alpine-39.json', 'reports/secrets.json': 'fixture:secrets.json' });
    const r = await runStep('trivy-gate', { inputs: { report: 'reports/*.json' }, workspace: ws });
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toEqual({ passed: 'false', blocking: '4', critical: '3', high: '1', medium: '4', low: '0', unknown: '0', ignored: '0', sarif: '' });
    expect(r.errors).toEqual(['trivy-gate failed: 4 blocking findings (2 CRITICAL over a budget of 0, 2 secrets); see the job summary']);
    expect(r.summary).toContain('Judged: `reports/alpine-again.json`, `reports/alpine.json`, `reports/secrets.json`');
    expect(r.summary).toContain('| [CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697) | musl-utils | 1.1.20-r4 → 1.1.20-r5 | CRITICAL |');
    expect(r.summary).toContain('| aws-access-key-id | secret: AWS Access Key ID | — | CRITICAL | deploy.sh:3 |');
    expect(r.stdout).not.toContain('ghp_0123456789'); // the secrets report's context lines are never echoed
    expect(r.summary).not.toContain('ghp_0123456789');
  });

  test('a passing report passes; budgets and severity are honoured', async () => {
    const ws = workspace({ 'helm.json': 'fixture:helm.json' });
    const pass = await runStep('trivy-gate', { inputs: { report: 'helm.json', severity: 'CRITICAL', 'max-high': '3' }, workspace: ws });
    expect([pass.exitCode, pass.outputs.passed, pass.outputs.blocking, pass.outputs.high, pass.outputs.low]).toEqual([0, 'true', '0', '3', '11']);
    expect(pass.summary).toContain('## ✅ trivy-gate passed');
    const fail = await runStep('trivy-gate', { inputs: { report: 'helm.json', severity: 'CRITICAL', 'max-high': '2', 'max-medium': '3' }, workspace: ws });
    expect([fail.exitCode, fail.outputs.blocking]).toEqual([1, '7']);
  });

  test('fail-on-error: false reports the failed gate but exits 0', async () => {
    const ws = workspace({ 'r.json': 'fixture:debian-buster.json' });
    const r = await runStep('trivy-gate', { inputs: { report: 'r.json', 'fail-on-error': 'false' }, workspace: ws });
    expect([r.exitCode, r.outputs.passed, r.outputs.blocking, r.errors]).toEqual([0, 'false', '1', []]);
    expect(warnings(r)).toContain('trivy-gate failed: 1 blocking finding (1 CRITICAL over a budget of 0); see the job summary (fail-on-error: false)');
  });

  test('a file that is not a Trivy report is one clear error naming the input', async () => {
    const ws = workspace({ 'report.json': '<html>502 Bad Gateway</html>', 'sarif.json': '{"version":"2.1.0","runs":[]}', 'ok.json': 'fixture:npm.json' });
    const r = await runStep('trivy-gate', { inputs: { report: 'report.json' }, workspace: ws });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Input 'report' names report\.json, which is not a Trivy JSON report: it is not JSON \(/);
    expect(r.stderr).toBe('');
    const baseline = await runStep('trivy-gate', { inputs: { report: 'ok.json', baseline: 'sarif.json' }, workspace: ws });
    expect(baseline.errors).toEqual(["Input 'baseline' names sarif.json, which is not a Trivy JSON report: its SchemaVersion is missing, not 2 (trivy --format json)"]);
    const missing = await runStep('trivy-gate', { inputs: { report: 'out/*.json' }, workspace: ws });
    expect(missing.errors).toEqual(["Input 'report' matches no file: out/*.json"]);
  });

  test('default .trivyignore in the workspace: expired rule no longer ignores, expiring rule warns, ignored counted', async () => {
    const ignore = `# accepted\nCVE-2019-14697 exp:${daysFromNow(5)}\nCVE-2019-1549 exp:2020-01-01\n`;
    const ws = workspace({ 'alpine.json': 'fixture:alpine-39.json', '.trivyignore': ignore });
    const r = await runStep('trivy-gate', { inputs: { report: 'alpine.json', severity: 'CRITICAL,MEDIUM', 'expiry-warning-days': '7' }, workspace: ws });
    // CVE-2019-14697 (2 CRITICAL) ignored; CVE-2019-1549 (2 MEDIUM) no longer; CVE-2019-1551 (2 MEDIUM) blocks too.
    expect([r.exitCode, r.outputs.ignored, r.outputs.critical, r.outputs.medium, r.outputs.blocking]).toEqual([1, '2', '0', '4', '4']);
    expect(warnings(r)).toEqual([
      `Ignore rule CVE-2019-14697 (.trivyignore:2) expires on ${daysFromNow(5)}, within 7 days`,
      'Ignore rule CVE-2019-1549 (.trivyignore:3) expired on 2020-01-01: it no longer ignores anything',
    ]);
    const wider = await runStep('trivy-gate', { inputs: { report: 'alpine.json', severity: 'CRITICAL', 'expiry-warning-days': '3' }, workspace: ws });
    expect([wider.exitCode, wider.outputs.passed, warnings(wider)]).toEqual([0, 'true', ['Ignore rule CVE-2019-1549 (.trivyignore:3) expired on 2020-01-01: it no longer ignores anything']]);
  });

  test('ignore-file in YAML, baseline and SARIF output', async () => {
    const yaml = 'misconfigurations:\n  - id: KSV-0014\n    paths: ["testchart.tar.gz:templates/*"]\n    statement: read-only root is planned\n';
    const baseline = JSON.parse(readFileSync(join(fixtures, 'helm.json'), 'utf8'));
    baseline.Results[0].Misconfigurations = baseline.Results[0].Misconfigurations.filter((m: { ID: string; CauseMetadata: { StartLine?: number } }) => m.ID !== 'KSV-0118' || m.CauseMetadata.StartLine === 19);
    const ws = workspace({ 'helm.json': 'fixture:helm.json', 'policy/ignore.yaml': yaml, 'baseline.json': JSON.stringify(baseline) });
    const r = await runStep('trivy-gate', { inputs: { report: 'helm.json', 'ignore-file': 'policy/ignore.yaml', baseline: 'baseline.json', sarif: 'out/trivy.sarif' }, workspace: ws });
    expect([r.exitCode, r.outputs.ignored, r.outputs.high, r.outputs.blocking]).toEqual([1, '1', '2', '1']);
    expect(r.summary).toContain('| [KSV-0118](https://avd.aquasec.com/misconfig/ksv-0118) | misconfiguration: Default security context configured | — | HIGH | testchart.tar.gz:templates/pod.yaml:17 |');
    expect(r.outputs.sarif).toBe(join(ws, 'out/trivy.sarif'));
    const sarif = JSON.parse(readFileSync(r.outputs.sarif, 'utf8'));
    expect(sarif).toBeValidSarifLog();
    expect(sarif.runs[0].results).toHaveLength(17);
    expect(sarif.runs[0].results.filter((x: { level: string }) => x.level === 'error').map((x: { ruleId: string }) => x.ruleId)).toEqual(['KSV-0118']);
  });

  test('sarif is written only inside the workspace or RUNNER_TEMP; anywhere else is an input error and nothing is written', async () => {
    // Every target lies in a sandbox of this test, never a real system file: run against a bundle
    // without the rule, this test must fail without harming the machine.
    const sandbox = workspace({ 'etc/passwd': 'canary\n' });
    const ws = join(sandbox, 'home', 'runner', 'work', 'app');
    mkdirSync(ws, { recursive: true });
    copyFileSync(join(fixtures, 'npm.json'), join(ws, 'r.json'));
    // repo-root: allowed — sarif paths the action must refuse; the sandbox holds where they point
    const outside = [join('..', '..', '..', '..', 'etc', 'passwd'), join('..', 'escape', 'made.sarif'), join(sandbox, 'abs', 'made.sarif')];
    for (const sarif of outside) {
      const r = await runStep('trivy-gate', { inputs: { report: 'r.json', sarif }, workspace: ws });
      expect([r.exitCode, r.errors]).toEqual([1, [`Input 'sarif' must name a file inside the workspace or RUNNER_TEMP (${sarif} is outside both)`]]);
    }
    expect(readFileSync(join(sandbox, 'etc', 'passwd'), 'utf8')).toBe('canary\n');
    expect([existsSync(join(ws, '..', 'escape')), existsSync(join(sandbox, 'abs'))]).toEqual([false, false]);
    const stepDir = workspace();
    const inTemp = join(stepDir, 'runner-temp', 'scan', 'trivy.sarif');
    const r = await runStep('trivy-gate', { inputs: { report: 'r.json', sarif: inTemp }, workspace: ws, tempDir: stepDir });
    expect(r.outputs.sarif).toBe(inTemp);
    expect(JSON.parse(readFileSync(inTemp, 'utf8')).version).toBe('2.1.0');
  });

  test('an ignore-file that does not parse names the input', async () => {
    const ws = workspace({ 'r.json': 'fixture:npm.json', 'ignore.yaml': 'vulnerabilities:\n  - statement: everything\n' });
    const r = await runStep('trivy-gate', { inputs: { report: 'r.json', 'ignore-file': 'ignore.yaml' }, workspace: ws });
    expect(r.errors).toEqual(["Input 'ignore-file' (ignore.yaml) is not valid: ignore.yaml (vulnerabilities[0]): a rule needs an id, paths or purls (it would ignore everything)"]);
  });
});

describe('image mode (recording trivy stand-in: no Trivy can be installed here)', () => {
  function fakeTrivy(fixture: string): { bin: string; record: string } {
    const bin = mkdtempSync(join(tmpdir(), 'trivy-bin-'));
    made.push(bin);
    const record = join(bin, 'args.txt');
    const script = `#!/bin/sh
# Recording stand-in for Trivy (none can be installed here): checks its arguments, writes a real report.
printf '%s\\n' "$@" > '${record}'
[ "$1" = image ] || { echo "trivy stand-in: expected 'image', got '$1'" >&2; exit 64; }
shift
format=''; output=''; cache=''
while [ $# -gt 1 ]; do
  case "$1" in
    --format) format="$2"; shift ;;
    --output) output="$2"; shift ;;
    --cache-dir) cache="$2"; shift ;;
  esac
  shift
done
[ "$format" = json ] || { echo "trivy stand-in: expected --format json" >&2; exit 64; }
[ -n "$output" ] || { echo "trivy stand-in: expected --output <file>" >&2; exit 64; }
[ "$1" = 'ghcr.io/sunday/app:1.2.3' ] || { echo "trivy stand-in: unexpected image '$1'" >&2; exit 64; }
mkdir -p "$cache/db" && echo 'database' > "$cache/db/trivy.db"
cp '${join(fixtures, fixture)}' "$output"
`;
    writeFileSync(join(bin, 'trivy'), script);
    chmodSync(join(bin, 'trivy'), 0o755);
    return { bin, record };
  }

  test('runs trivy image on the ref and judges its report; no cache service → warning, the scan goes on', async () => {
    const { bin, record } = fakeTrivy('debian-buster.json');
    const home = workspace();
    const r = await runStep('trivy-gate', { inputs: { image: 'ghcr.io/sunday/app:1.2.3' }, path: [bin], env: { HOME: home }, workspace: workspace() });
    const args = readFileSync(record, 'utf8').trim().split('\n');
    expect(args.slice(0, 4)).toEqual(['image', '--format', 'json', '--output']);
    expect(args.slice(5)).toEqual(['--cache-dir', join(home, '.cache', 'trivy'), '--ignorefile', expect.stringMatching(/empty\.trivyignore$/), '--no-progress', 'ghcr.io/sunday/app:1.2.3']);
    expect([r.exitCode, r.outputs.critical, r.outputs.low, r.outputs.blocking]).toEqual([1, '1', '1', '1']);
    expect(warnings(r)).toEqual([expect.stringMatching(/^No Actions cache service in this job .*Trivy downloads its database/)]);
    expect(r.log).toContain(`Trivy database cache key: trivy-db-${today()} (restore prefix trivy-db-)`);
    expect(r.summary).toContain('Judged: `ghcr.io/sunday/app:1.2.3 (scanned)`');
  });

  describe('with a cache service that refuses every call', () => {
    let server: Server;
    let url = '';
    const requests: Array<{ url: string; body: string }> = [];
    beforeAll(async () => {
      // Answers the cache service's Twirp calls (as @actions/cache 6 makes them) with a Twirp error.
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          requests.push({ url: req.url ?? '', body });
          res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'permission_denied', msg: 'cache disabled for this repository' }));
        });
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    test('asks for today’s key with the date prefix, warns when the call fails, and the scan goes on', async () => {
      const { bin } = fakeTrivy('alpine-39-ignore-cveids.json');
      const env = { HOME: workspace(), ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: url, ACTIONS_RUNTIME_TOKEN: 'runtime-token' };
      const r = await runStep('trivy-gate', { inputs: { image: 'ghcr.io/sunday/app:1.2.3' }, path: [bin], env, workspace: workspace() });
      expect([r.exitCode, r.outputs.passed, r.outputs.medium]).toEqual([0, 'true', '2']);
      const lookup = requests.find((q) => q.url.endsWith('.CacheService/GetCacheEntryDownloadURL'));
      expect(JSON.parse(lookup!.body)).toMatchObject({ key: `trivy-db-${today()}`, restore_keys: ['trivy-db-'] });
      expect(warnings(r).some((w) => /Failed to restore/.test(w))).toBe(true);
      expect(requests.some((q) => q.url.endsWith('.CacheService/CreateCacheEntry'))).toBe(true);
      expect(warnings(r)).toContain(`The Trivy database was not saved to the cache under trivy-db-${today()} (see the log above)`);
    });
  });

  test('no trivy on PATH: one error saying how to install it', async () => {
    const r = await runStep('trivy-gate', { inputs: { image: 'alpine:3.20' }, env: { PATH: '/usr/bin:/bin' }, workspace: workspace() });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/^Trivy is not installed: no `trivy` on PATH\. Install it in an earlier step .*setup-trivy/)]);
  });
});
