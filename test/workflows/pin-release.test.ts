/**
 * scripts/pin-release.ts on real git repositories: the release commit self-release makes, whose
 * workflows call the suite's actions at the release's exact tag. Run as self-release runs it
 * (`node scripts/pin-release.ts vX.Y.Z` in the checkout), and on a copy of this repository's own
 * workflows, so a nested `@v1` added later cannot slip through.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinText } from '../../scripts/pin-release.js';
import { repoRoot } from '../harness.js';

const script = join(repoRoot, 'scripts', 'pin-release.ts');
const node = join(repoRoot, 'node_modules', 'node', 'bin', 'node');
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pin-release-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A repository with `files` committed and tagged `tag`. */
function repository(files: Record<string, string>, tag = 'v1.4.2'): string {
  const root = join(dir, 'repo');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.name', 'Suite Dev');
  git(root, 'config', 'user.email', 'dev@sunday.example');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'Release 1.4.2');
  git(root, 'tag', '-a', tag, '-m', tag);
  return root;
}

function pin(root: string, tag: string, env: Record<string, string> = {}) {
  const output = join(dir, 'github-output');
  writeFileSync(output, '');
  const run = spawnSync(node, [script, tag], { cwd: root, encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: output, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, output: readFileSync(output, 'utf8') };
}

const ci = `jobs:
  test:
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
      - uses: sunday/actions/trivy-gate@v1
      - uses: 'sunday/actions/smoke-test@v1'
      - uses: ./validate-release
  nested:
    uses: sunday/actions/.github/workflows/e2e.yml@v1
`;

test('the release commit pins every nested sunday/actions reference to the tag, on top of the tagged commit, and nothing else', () => {
  const root = repository({ '.github/workflows/ci.yml': ci, '.github/workflows/self-test.yml': 'jobs: {}\n', 'README.md': 'uses: sunday/actions/trivy-gate@v1\n' });
  const tagged = git(root, 'rev-parse', 'v1.4.2^{commit}');
  const r = pin(root, 'v1.4.2');
  expect(r.code).toBe(0);
  const commit = git(root, 'rev-parse', 'HEAD');
  expect(r.output).toBe(`commit=${commit}\n`);
  expect(r.stdout).toContain('3 reference(s) in .github/workflows/ci.yml pinned to v1.4.2');
  expect(git(root, 'rev-parse', 'HEAD^')).toBe(tagged);
  expect(git(root, 'diff', '--name-only', tagged, commit)).toBe('.github/workflows/ci.yml');
  const pinned = git(root, 'show', `${commit}:.github/workflows/ci.yml`);
  expect(pinned).toBe(
    ci
      .replace('trivy-gate@v1', 'trivy-gate@v1.4.2')
      .replace("smoke-test@v1'", "smoke-test@v1.4.2'")
      .replace('e2e.yml@v1', 'e2e.yml@v1.4.2')
      .trimEnd(),
  );
  // Third-party pins and the repository's own ./ actions are left alone; so are the docs.
  expect(pinned).toContain('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1');
  expect(git(root, 'show', `${commit}:README.md`)).toBe('uses: sunday/actions/trivy-gate@v1');
  expect(git(root, 'status', '--porcelain')).toBe('');
  expect(git(root, 'log', '-1', '--format=%s', commit)).toBe("Release v1.4.2: the workflows call the suite's actions at v1.4.2");
});

test("this repository's own workflows: after pinning, no suite reference by major tag is left", () => {
  const root = join(dir, 'repo');
  mkdirSync(root, { recursive: true });
  cpSync(join(repoRoot, '.github', 'workflows'), join(root, '.github', 'workflows'), { recursive: true });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=x', '-c', 'user.email=x@sunday.example', 'commit', '-q', '-m', 'x');
  const before = readFileSync(join(root, '.github', 'workflows', 'cd.yml'), 'utf8').match(/sunday\/actions\/[^@\s]+@v1\b/g)!.length;
  expect(before).toBeGreaterThan(5);
  // As on a runner: git knows no identity (no global or system configuration).
  const r = pin(root, 'v1.9.0', { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });
  expect(r.code).toBe(0);
  for (const name of ['ci.yml', 'cd.yml', 'e2e.yml', 'self-release.yml', 'self-test.yml']) {
    expect([name, git(root, 'show', `HEAD:.github/workflows/${name}`)]).not.toEqual([name, expect.stringMatching(/uses:\s*sunday\/actions\/[^@\s]+@v1\b(?!\.)/)]);
  }
  for (const name of ['ci.yml', 'cd.yml']) expect(git(root, 'show', `HEAD:.github/workflows/${name}`)).toMatch(/uses: sunday\/actions\/[^@\s]+@v1\.9\.0/);
  // A commit made where git knows no identity gets GitHub's Actions identity.
  expect(git(root, 'log', '-1', '--format=%an <%ae>')).toBe('github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>');
});

test.each([
  ['a reference to another major', { '.github/workflows/ci.yml': 'steps:\n  - uses: sunday/actions/trivy-gate@v2\n' }, 'v1.4.2', "::error::.github/workflows/ci.yml: sunday/actions/trivy-gate@v2 is not the release's major v1"],
  ['a tag that is no release', { '.github/workflows/ci.yml': ci }, 'latest', "::error::the release tag must look like v1.2.3 (or v1.2.3-rc.1), not 'latest'"],
  ['nothing to pin', { '.github/workflows/ci.yml': 'jobs: {}\n' }, 'v1.4.2', '::error::no sunday/actions/...@v<major> reference in .github/workflows: nothing to pin'],
])('%s: one error line, exit 1, no commit', (_label, files, tag, error) => {
  const root = repository(files);
  const head = git(root, 'rev-parse', 'HEAD');
  const r = pin(root, tag);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(error);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  expect(git(root, 'rev-parse', 'HEAD')).toBe(head);
  expect(r.output).toBe('');
});

test('a dirty work tree is refused: the release commit holds the pins only', () => {
  const root = repository({ '.github/workflows/ci.yml': ci });
  writeFileSync(join(root, 'stray.txt'), 'x');
  const r = pin(root, 'v1.4.2');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('::error::the work tree has uncommitted changes');
});

test('pinText: already pinned references stay; prerelease tags pin too', () => {
  expect(pinText('uses: sunday/actions/a@v1.4.2\nuses: sunday/actions/b@v1\n', 'v1.4.2')).toEqual({ text: 'uses: sunday/actions/a@v1.4.2\nuses: sunday/actions/b@v1.4.2\n', count: 1 });
  expect(pinText('uses: sunday/actions/b@v2 # x\n', 'v2.0.0-rc.1').text).toBe('uses: sunday/actions/b@v2.0.0-rc.1 # x\n');
});
