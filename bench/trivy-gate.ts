/**
 * trivy-gate at the parse floor. Generates the report of issue 21 (100,000 vulnerabilities: 50
 * targets × 2,000, each with a 40-character title and a 200-character description, about 47 MB)
 * and times, alternating in one run:
 *   - the floor: `node -e` reading the file, JSON.parse, counting the CRITICAL vulnerabilities;
 *   - the whole step: the committed bundle run through runner/ as GitHub runs it, without SARIF;
 *   - the same with `sarif` set.
 * Wall time (spawn to exit) and peak RSS (GNU time) of each, medians, and the ratios to the floor.
 *
 *   npx tsx bench/trivy-gate.ts [-- --runs 9]
 *   npx tsx bench/trivy-gate.ts -- --profile [--sarif]   # one step under --cpu-prof: where the time goes
 *   npx tsx bench/trivy-gate.ts -- --large       # also the in-process run on the larger report
 *   npx tsx bench/trivy-gate.ts -- --before DIR  # also an older build, alternating: DIR holds its
 *     trivy-gate/action.yml and dist/trivy-gate (git archive <commit> trivy-gate dist/trivy-gate | tar -x -C DIR)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { readInputs } from '../actions/trivy-gate/config.js';
import { localFiles, prepareGate, runGate, type GateFiles } from '../actions/trivy-gate/gate.js';
import { describeSeries, flag, machineLoad, median, numberArg, RssProbe, type Measured } from './measure.js';

const root = resolve(import.meta.dirname, '..');
const runs = numberArg('runs', 9);
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
const TARGETS = 50;
const PER_TARGET = 2_000;

/** The issue's shape: the fields Trivy writes for an OS package, a 40-char title, a 200-char description. */
function issueVulnerability(i: number) {
  const id = `CVE-${2015 + (i % 10)}-${10000 + (i % 40000)}`;
  const pkg = `lib-${i % 3000}`;
  const title = `${pkg}: out-of-bounds read in parse ${i}`.padEnd(40, '.').slice(0, 40);
  const description = `A flaw was found in ${pkg}: a crafted input can cause an out-of-bounds read in the parser (case ${i}), leading to a crash or to information disclosure. `.padEnd(200, 'x').slice(0, 200);
  return {
    VulnerabilityID: id,
    PkgName: pkg,
    InstalledVersion: `1.${i % 7}.0-1`,
    ...(i % 4 === 0 ? { Status: 'affected' } : { FixedVersion: `1.${i % 7}.1-1`, Status: 'fixed' }),
    Severity: SEVERITIES[i % 5],
    PrimaryURL: `https://avd.aquasec.com/nvd/${id.toLowerCase()}`,
    Title: title,
    Description: description,
  };
}

function writeIssueReport(dir: string): string {
  const results = Array.from({ length: TARGETS }, (_, t) => ({
    Target: `ghcr.io/sunday/app:1.0 (layer ${t})`,
    Class: 'os-pkgs',
    Type: 'debian',
    Vulnerabilities: Array.from({ length: PER_TARGET }, (_, i) => issueVulnerability(t * 100_000 + i)),
  }));
  const path = join(dir, 'report.json');
  writeFileSync(path, JSON.stringify({ SchemaVersion: 2, ArtifactName: 'ghcr.io/sunday/app:1.0', ArtifactType: 'container_image', Results: results }));
  return path;
}

/** The floor: what any gate must do at least (read, parse, look at every finding once). */
const FLOOR_SCRIPT =
  "const r=JSON.parse(require('node:fs').readFileSync(process.argv[1],'utf8'));let n=0;" +
  "for(const t of r.Results)for(const v of t.Vulnerabilities??[])if(v.Severity==='CRITICAL')n++;console.log(n)";

async function compareWithFloor(workspace: string, reportPath: string): Promise<void> {
  const probe = new RssProbe();
  try {
    const beforeAt = process.argv.indexOf('--before');
    const before = beforeAt > 0 ? resolve(process.argv[beforeAt + 1], 'trivy-gate') : undefined;
    type Kind = 'floor' | 'plain' | 'sarif' | 'before plain' | 'before sarif';
    const series: Record<Kind, Measured[]> = { floor: [], plain: [], sarif: [], 'before plain': [], 'before sarif': [] };
    const kinds: Kind[] = before ? ['floor', 'plain', 'sarif', 'before plain', 'before sarif'] : ['floor', 'plain', 'sarif'];
    const loadBefore = machineLoad();
    for (let i = 0; i < runs; i++) {
      // Rotate the order each round, so no kind always runs right after another.
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(i + k) % kinds.length];
        if (kind === 'floor') {
          const m = await probe.command(['-e', FLOOR_SCRIPT, reportPath], workspace);
          if (m.stdout.trim() !== String((TARGETS * PER_TARGET) / 5)) throw new Error(`the floor counted ${m.stdout.trim()}`);
          series.floor.push(m);
        } else {
          const withSarif = kind.endsWith('sarif');
          const inputs = { report: 'report.json', ...(withSarif ? { sarif: 'out/trivy.sarif' } : {}) };
          const m = await probe.step({ actionDir: kind.startsWith('before') ? before! : join(root, 'trivy-gate'), inputs, workspace, timeoutMs: 120_000 });
          const { outputs, exitCode, stderr } = m.result;
          // The default policy fails this report: 15,000 fixed CRITICAL + 15,000 fixed HIGH block.
          if (exitCode !== 1 || outputs.critical !== '20000' || outputs.blocking !== '30000' || stderr) {
            throw new Error(`unexpected step result: exit ${exitCode}, outputs ${JSON.stringify(outputs)}, stderr ${stderr}`);
          }
          if (withSarif && statSync(outputs.sarif).size < 1_000_000) throw new Error('no SARIF file written');
          rmSync(m.result.dir, { recursive: true, force: true });
          series[kind].push(m);
        }
      }
    }
    const floor = describeSeries(series.floor);
    const plain = describeSeries(series.plain);
    const sarif = describeSeries(series.sarif);
    console.log(`machine: ${loadBefore} before, ${machineLoad()} after`);
    console.log(`medians of ${runs} alternating runs (min–max):`);
    console.log(`| run | wall | CPU | peak RSS | wall × floor | CPU × floor | RSS × floor |`);
    console.log(`|---|--:|--:|--:|--:|--:|--:|`);
    const row = (name: string, s: ReturnType<typeof describeSeries>) =>
      console.log(
        `| ${name} | ${s.wallMs.toFixed(0)} ms | ${s.cpuMs.toFixed(0)} ms | ${s.rssMiB.toFixed(0)} MiB | ${(s.wallMs / floor.wallMs).toFixed(2)}× | ${(s.cpuMs / floor.cpuMs).toFixed(2)}× | ${(s.rssMiB / floor.rssMiB).toFixed(2)}× |`,
      );
    row('floor: `node -e` parse + count CRITICAL', floor);
    row('trivy-gate step, no SARIF', plain);
    row('trivy-gate step, SARIF written', sarif);
    if (before) {
      row('the older build, no SARIF', describeSeries(series['before plain']));
      row('the older build, SARIF written', describeSeries(series['before sarif']));
    }
    // The floor drifts between rounds on a shared machine; a step against the floor of its own round does less.
    const perRound = (kind: Kind) => {
      const ratios = series[kind].map((m, i) => m.wallMs / series.floor[i].wallMs);
      return `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
    };
    console.log('');
    console.log(`wall × the floor of the same round, median: no SARIF ${perRound('plain')}, SARIF ${perRound('sarif')}`);
    console.log('');
    for (const [name, s] of [['floor', floor], ['no SARIF', plain], ['SARIF', sarif]] as const) console.log(`${name}: ${s.text}`);
    if (before) for (const kind of ['before plain', 'before sarif'] as const) console.log(`${kind}: ${describeSeries(series[kind]).text}`);
  } finally {
    probe.remove();
  }
}

/**
 * One step under --cpu-prof, from an unminified bundle of the same sources (the committed one is
 * minified, so its function names say nothing), and the functions with the most self time.
 */
async function profile(workspace: string): Promise<void> {
  const action = mkdtempSync(join(tmpdir(), 'trivy-gate-profile-'));
  const profiles = join(action, 'profiles');
  mkdirSync(profiles);
  try {
    buildSync({ entryPoints: [join(root, 'actions/trivy-gate/index.ts')], bundle: true, platform: 'node', format: 'esm', target: 'es2023', outfile: join(action, 'dist/index.js'), banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }, logLevel: 'error' });
    writeFileSync(join(action, 'dist/package.json'), '{"type":"module"}');
    const metadata = readFileSync(join(root, 'trivy-gate/action.yml'), 'utf8').replace(/main: .*/, 'main: dist/index.js');
    writeFileSync(join(action, 'action.yml'), metadata);
    const probe = new RssProbe(['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--cpu-prof-interval=200']);
    try {
      const inputs = { report: 'report.json', ...(flag('sarif') ? { sarif: 'out/trivy.sarif' } : {}) };
      const m = await probe.step({ actionDir: action, inputs, workspace, timeoutMs: 120_000 });
      console.log(`profiled step (unminified bundle, sampling every 0.2 ms): ${m.wallMs.toFixed(0)} ms, exit ${m.result.exitCode}`);
    } finally {
      probe.remove();
    }
    const file = readdirSync(profiles).find((name) => name.endsWith('.cpuprofile'))!;
    summarizeProfile(JSON.parse(readFileSync(join(profiles, file), 'utf8')));
  } finally {
    rmSync(action, { recursive: true, force: true });
  }
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

function summarizeProfile(cpu: CpuProfile): void {
  const byId = new Map(cpu.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of cpu.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const name = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.split('/').slice(-2).join('/');
    return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
  };
  cpu.samples.forEach((id, i) => {
    const ms = (cpu.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    self.set(name(id), (self.get(name(id)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = name(at);
      if (seen.has(n)) continue;
      seen.add(n);
      inclusive.set(n, (inclusive.get(n) ?? 0) + ms);
    }
  });
  const top = (map: Map<string, number>, count: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, count).map(([n, ms]) => `  ${ms.toFixed(0).padStart(5)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${n}`).join('\n');
  console.log(`samples over ${total.toFixed(0)} ms; self time:\n${top(self, 20)}`);
  console.log(`inclusive time (the gate's own functions):\n${top(new Map([...inclusive].filter(([n]) => /dist\/index\.js/.test(n))), 25)}`);
}

/** The earlier in-process figure on a larger, richer report (kept for comparison with bench/README.md history). */
async function inProcessLarge(dir: string): Promise<void> {
  const vulnerability = (i: number) => ({
    ...issueVulnerability(i),
    PkgID: `lib-${i % 3000}@1.${i % 7}.0`,
    PkgIdentifier: { PURL: `pkg:deb/debian/lib-${i % 3000}@1.${i % 7}.0?arch=amd64&distro=debian-12`, UID: (i * 2654435761).toString(16) },
    Layer: { DiffID: 'sha256:f1b5933fe4b5f49bbe8258745cf396afe07e625bdab3168e364daf7c956b6b81' },
    SeveritySource: 'nvd',
    DataSource: { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://salsa.debian.org/security-tracker-team/security-tracker' },
    CweIDs: ['CWE-125'],
    CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', V3Score: 7.5 } },
    References: [`https://security-tracker.debian.org/tracker/CVE-${i}`, `https://nvd.nist.gov/vuln/detail/CVE-${i}`],
    PublishedDate: '2019-09-10T17:15:00Z',
    LastModifiedDate: '2023-11-07T03:13:00Z',
  });
  const results: object[] = Array.from({ length: TARGETS }, (_, t) => ({
    Target: `ghcr.io/sunday/app:1.0 (layer ${t})`,
    Class: 'os-pkgs',
    Vulnerabilities: Array.from({ length: 1_980 }, (_, i) => vulnerability(t * 100_000 + i)),
  }));
  results.push({
    Target: 'Dockerfile',
    Class: 'config',
    Misconfigurations: Array.from({ length: 1_200 }, (_, i) => ({
      ID: `DS-${i}`, AVDID: `AVD-DS-${i}`, Title: 'Image user should not be root', Message: `Line ${i}: specify a USER`,
      Severity: SEVERITIES[i % 5], Status: i < 900 ? 'FAIL' : 'PASS', PrimaryURL: `https://avd.aquasec.com/misconfig/ds-${i}`, CauseMetadata: { StartLine: i + 1, EndLine: i + 1 },
    })),
  });
  results.push({ Target: 'app/.env', Class: 'secret', Secrets: Array.from({ length: 100 }, (_, i) => ({ RuleID: 'generic-api-key', Severity: 'HIGH', Title: 'API key', StartLine: i + 1 })) });
  const path = join(dir, 'large.json');
  writeFileSync(path, JSON.stringify({ SchemaVersion: 2, ArtifactName: 'ghcr.io/sunday/app:1.0', Results: results }));
  const rules = Array.from({ length: 100 }, (_, i) => `  - id: CVE-2019-${10000 + i * 37}\n    statement: not reachable\n    expired_at: 2099-01-01`);
  writeFileSync(join(dir, '.trivyignore.yaml'), `vulnerabilities:\n${rules.join('\n')}\nsecrets:\n  - id: generic-api-key\n    paths: ["tests/**"]\n`);
  let reads = 0;
  const files: GateFiles = { ...localFiles, readText: (file) => (file === path && reads++, localFiles.readText(file)) };
  for (const sarif of [false, true]) {
    const inputs = readInputs({ INPUT_REPORT: 'large.json', INPUT_SEVERITY: 'CRITICAL,HIGH', 'INPUT_IGNORE-UNFIXED': 'true', 'INPUT_EXPIRY-WARNING-DAYS': '14', 'INPUT_MAX-HIGH': '5000', 'INPUT_FAIL-ON-ERROR': 'true', INPUT_SARIF: sarif ? 'out.sarif' : '' });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      reads = 0;
      const started = performance.now();
      await runGate(await prepareGate(inputs, dir, files), inputs.reports, new Date());
      times.push(performance.now() - started);
      if (reads !== 1) throw new Error(`the report was read ${reads} times`);
    }
    times.sort((a, b) => a - b);
    console.log(`in process, ${(statSync(path).size / 1e6).toFixed(1)} MB report with misconfigurations, secrets and 100 ignore rules${sarif ? ', SARIF written' : ''}: median ${times[runs >> 1].toFixed(0)} ms (read once per run)`);
  }
  rmSync(join(dir, '.trivyignore.yaml'));
}

const workspace = mkdtempSync(join(tmpdir(), 'trivy-gate-bench-'));
try {
  const reportPath = writeIssueReport(workspace);
  console.log(`node ${process.version}; report: ${TARGETS} targets × ${PER_TARGET} vulnerabilities, ${(statSync(reportPath).size / 1e6).toFixed(1)} MB`);
  if (flag('profile')) await profile(workspace);
  else await compareWithFloor(workspace, reportPath);
  if (flag('large')) await inProcessLarge(mkdtempSync(join(workspace, 'large-')));
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
