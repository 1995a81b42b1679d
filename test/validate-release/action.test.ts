/**
 * validate-release as GitHub runs it: the committed bundle (npm run build -- --only
 * validate-release) through the runner, on real git repositories, with the Checks API answered by
 * the local GitHub server reached through GITHUB_API_URL.
 */
import { rmSync } from 'node:fs';
import { findLeaks } from '../../runner/index.js';
import { runStep } from '../harness.js';
import { start, type GitHubServer } from '../servers/github/server.js';
import { changelog, cleanUp, git, readyRepo, shallowCopy, writeFiles } from './repo.js';

const TOKEN = 'ghs_validateRelease0123456789abcdefABCDEF';
const REPOSITORY = 'Codertocat/Hello-World'; // the repository of the push-tag fixtures
let server: GitHubServer;

beforeAll(async () => {
  server = await start({ tokens: [TOKEN] });
});
afterAll(async () => {
  await server.stop();
  cleanUp();
});

/** Check runs on `sha`: `build` and `test` succeed, among enough others to need two pages. */
function greenChecks(sha: string): void {
  for (let i = 0; i < 120; i++) server.addCheckRun(REPOSITORY, { name: `matrix (${i})`, head_sha: sha });
  server.addCheckRun(REPOSITORY, { name: 'build', head_sha: sha, conclusion: 'success' });
  server.addCheckRun(REPOSITORY, { name: 'test', head_sha: sha, conclusion: 'success' });
}

function expectNoLeak(result: { stdout: string; stderr: string; log: string }, token = TOKEN): void {
  expect(findLeaks(result.stdout + result.stderr, [token])).toEqual([]);
  expect(result.log).not.toContain(token);
}

test('a ready release on a tag push: outputs, summary, required checks read over two pages, token masked', async () => {
  const { dir, sha } = readyRepo();
  greenChecks(sha);
  const before = server.requests.length;
  const r = await runStep('validate-release', {
    workspace: dir,
    eventFixture: 'push-tag-v1.2.3',
    env: { GITHUB_API_URL: server.url },
    githubToken: TOKEN,
    inputs: { 'required-checks': 'build\ntest' },
  });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.outputs).toEqual({
    version: '1.2.3',
    major: '1',
    minor: '2',
    patch: '3',
    prerelease: '',
    'is-prerelease': 'false',
    'previous-version': '1.2.2',
    'release-notes': '### Added\n\n- Feature of 1.2.3.',
    existing: 'false',
  });
  expect(r.summary).toContain('## ✅ Release v1.2.3 is ready');
  expect(r.summary).toMatch(/\| Required checks \| ✅ passed \| 2 succeeded \|/);
  const requests = server.requests.slice(before);
  expect(requests.map((q) => q.url.replace(/\?.*/, ''))).toEqual([
    `/repos/${REPOSITORY}/commits/${sha}/check-runs`,
    expect.stringMatching(new RegExp(`^/repositories/\\d+/commits/${sha}/check-runs$`)),
  ]);
  expect(requests.every((q) => q.headers.authorization === `token ${TOKEN}`)).toBe(true);
  expect(r.masks).toContain(TOKEN);
  expectNoLeak(r);
});

test('every reason at once: one error listing all, stub annotations with file and line, summary, outputs still set', async () => {
  const { dir, sha } = readyRepo();
  git(dir, 'tag', 'v2.0.0', 'HEAD~1');
  writeFiles(dir, {
    VERSION: '1.2.0\n',
    'CHANGELOG.md': changelog('1.2.2'),
    'src/pages/pricing.tsx': 'export const Pricing = () => (\n  <h1>Coming Soon</h1>\n);\n',
    'src/api.ts': '// TODO(release): wire the API\n',
  });
  server.addCheckRun(REPOSITORY, { name: 'build', head_sha: sha, conclusion: 'failure' });
  server.addCheckRun(REPOSITORY, { name: 'test', head_sha: sha, status: 'in_progress' });
  const r = await runStep('validate-release', {
    workspace: dir,
    eventFixture: 'push-tag-v1.2.3',
    env: { GITHUB_API_URL: server.url },
    githubToken: TOKEN,
    inputs: {
      'version-files': 'package.json\nVERSION',
      'allow-prerelease': 'false',
      'stub-patterns': 'Coming Soon\n/TODO\\(release\\)/',
      'required-checks': 'build\ntest\ne2e',
    },
  });
  expect(r.exitCode).toBe(1);
  const short = sha.slice(0, 12);
  expect(r.errors.at(-1)!.split('\n')).toEqual([
    'Release v1.2.3 is not ready (8 reasons to stop):',
    '- VERSION has version 1.2.0, but the tag says 1.2.3',
    "- CHANGELOG.md has no section for 1.2.3 (expected a heading such as '## [1.2.3] - YYYY-MM-DD' or '## 1.2.3')",
    '- version 1.2.3 is not greater than the earlier release v2.0.0',
    "- stub marker '/TODO\\(release\\)/' at src/api.ts:1: // TODO(release): wire the API",
    "- stub marker 'Coming Soon' at src/pages/pricing.tsx:2: <h1>Coming Soon</h1>",
    `- required check 'build' concluded failure on ${short}, not success`,
    `- required check 'test' has not finished on ${short} (in progress)`,
    `- required check 'e2e' has not run on ${short}`,
  ]);
  const stubAnnotations = r.annotations.filter((a) => a.properties.title === 'Stub marker');
  expect(stubAnnotations.map((a) => [a.properties.file, a.properties.line, a.properties.col])).toEqual([
    ['src/api.ts', '1', '4'],
    ['src/pages/pricing.tsx', '2', '7'],
  ]);
  expect(r.summary).toContain('## ❌ Release v1.2.3 is not ready: 8 reason(s) to stop');
  expect(r.summary).toContain('### Reasons to stop');
  // Text from the files is shown, never rendered as HTML.
  expect(r.summary).toContain('| src/pages/pricing.tsx | 2 | Coming Soon | &lt;h1&gt;Coming Soon&lt;/h1&gt; |');
  expect(r.summary).toMatch(/\| \[build\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/runs\/\d+\) \| ❌ failure \|/);
  expect(r.summary).toContain('| e2e | ❌ missing |');
  expect(r.outputs).toMatchObject({ version: '1.2.3', 'previous-version': '2.0.0' });
  expectNoLeak(r);
});

test('a required check still running is awaited: it succeeds while the step waits, and the release passes', async () => {
  const { dir, sha } = readyRepo();
  server.addCheckRun(REPOSITORY, { name: 'build', head_sha: sha, conclusion: 'success' });
  const test = server.addCheckRun(REPOSITORY, { name: 'test', head_sha: sha, status: 'in_progress' });
  let waits = 0;
  const r = await runStep('validate-release', {
    workspace: dir,
    eventFixture: 'push-tag-v1.2.3',
    env: { GITHUB_API_URL: server.url },
    githubToken: TOKEN,
    inputs: { 'required-checks': 'build\ntest', 'checks-timeout': '20s' },
    // The check finishes once the step has said it waits for it (an event, not a fixed sleep).
    onOutput: (chunk) => {
      if (chunk.includes("Waiting for required checks: 'test' (in progress)") && ++waits === 1) Object.assign(test, { status: 'completed', conclusion: 'success' });
    },
  });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.log).toMatch(/Waiting for required checks: 'test' \(in progress\); next look in 1s, 20s left of checks-timeout/);
  expect(r.summary).toMatch(/\| Required checks \| ✅ passed \| 2 succeeded \|/);
});

test('a required check that ends failed while awaited fails the release', async () => {
  const { dir, sha } = readyRepo();
  const test = server.addCheckRun(REPOSITORY, { name: 'test', head_sha: sha, status: 'queued' });
  const r = await runStep('validate-release', {
    workspace: dir,
    eventFixture: 'push-tag-v1.2.3',
    env: { GITHUB_API_URL: server.url },
    githubToken: TOKEN,
    inputs: { 'required-checks': 'test', 'checks-timeout': '20s' },
    onOutput: (chunk) => {
      if (chunk.includes('Waiting for required checks')) Object.assign(test, { status: 'completed', conclusion: 'failure' });
    },
  });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([`Release v1.2.3 is not ready (1 reason to stop):\n- required check 'test' concluded failure on ${sha.slice(0, 12)}, not success`]);
});

test('stub-paths exclusions; each stub annotation says its pattern and line once', async () => {
  const { dir } = readyRepo();
  writeFiles(dir, { 'src/app.test.tsx': 'it("shows Coming Soon", () => {});\n', 'src/page.tsx': '<p>Coming Soon</p>\n' });
  const r = await runStep('validate-release', { workspace: dir, eventFixture: 'push-tag-v1.2.3', githubToken: TOKEN, inputs: { 'stub-paths': 'src/**\n!src/**/*.test.tsx' } });
  expect(r.exitCode).toBe(1);
  const stubs = r.annotations.filter((a) => a.properties.title === 'Stub marker');
  expect(stubs.map((a) => [a.properties.file, a.message])).toEqual([['src/page.tsx', "'Coming Soon': <p>Coming Soon</p>"]]);
  expect(r.errors.at(-1)).toBe("Release v1.2.3 is not ready (1 reason to stop):\n- stub marker 'Coming Soon' at src/page.tsx:1: <p>Coming Soon</p>");
});

test('allow-existing: an older release checked out at its tag is ready to redeploy', async () => {
  const { dir } = readyRepo();
  const { clone } = shallowCopy(dir, 'checkout', 'v1.2.2');
  const r = await runStep('validate-release', { workspace: clone, githubToken: TOKEN, inputs: { tag: 'v1.2.2', 'allow-existing': 'true' } });
  expect(r.errors).toEqual([]);
  expect(r.outputs).toMatchObject({ version: '1.2.2', existing: 'true', 'previous-version': '1.2.3' });
  expect(r.log).toContain('Release v1.2.2 is an existing release, checked out at its tag: ready to redeploy.');
});

test('a prerelease tag: outputs, and rejected when allow-prerelease is false', async () => {
  const { dir } = readyRepo({ version: '1.2.3-rc.1' });
  const step = (allow: string) =>
    runStep('validate-release', { workspace: dir, eventFixture: 'push-tag-v1.2.3-rc.1', githubToken: TOKEN, inputs: { 'allow-prerelease': allow } });
  const allowed = await step('true');
  expect(allowed.exitCode).toBe(0);
  expect(allowed.outputs).toMatchObject({ version: '1.2.3-rc.1', prerelease: 'rc.1', 'is-prerelease': 'true', 'previous-version': '1.2.2' });
  const rejected = await step('false');
  expect(rejected.exitCode).toBe(1);
  expect(rejected.errors).toEqual(['Release v1.2.3-rc.1 is not ready (1 reason to stop):\n- 1.2.3-rc.1 is a prerelease (rc.1) and allow-prerelease is false']);
});

describe("actions/checkout's default shallow clone", () => {
  test('tags are fetched from origin over file:// and the increase is judged', async () => {
    const { dir } = readyRepo();
    const { clone } = shallowCopy(dir, 'clone');
    const r = await runStep('validate-release', { workspace: clone, eventFixture: 'push-tag-v1.2.3', githubToken: TOKEN });
    expect(r.errors).toEqual([]);
    expect(r.outputs['previous-version']).toBe('1.2.2');
    expect(r.summary).toContain('| Version increase | ✅ passed | 1.2.3 &gt; 1.2.2 (tags fetched from origin) |');
  });

  test('origin unreachable: the release stops with an error saying to use fetch-depth: 0', async () => {
    const { dir } = readyRepo();
    const { clone, origin } = shallowCopy(dir, 'checkout');
    rmSync(origin, { recursive: true, force: true });
    const r = await runStep('validate-release', { workspace: clone, eventFixture: 'push-tag-v1.2.3', githubToken: TOKEN });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Release v1\.2\.3 is not ready \(1 reason to stop\):\n- cannot tell whether 1\.2\.3 is greater than every earlier release: the repository is a shallow clone and fetching tags from origin failed \(fatal: .*\); check out with actions\/checkout and `fetch-depth: 0`/);
    expect(r.outputs['previous-version']).toBe('');
  });
});

describe('GitHub and token problems', () => {
  test('a token GitHub rejects: the required check is a reason (401 Bad credentials), the token never shows', async () => {
    const { dir } = readyRepo();
    const wrong = 'ghs_revokedToken9876543210zyxwvu';
    const r = await runStep('validate-release', { workspace: dir, eventFixture: 'push-tag-v1.2.3', env: { GITHUB_API_URL: server.url }, githubToken: wrong, inputs: { 'required-checks': 'build' } });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/^Release v1\.2\.3 is not ready \(1 reason to stop\):\n- could not read the check runs of [0-9a-f]{40} from GitHub: Bad credentials/)]);
    expectNoLeak(r, wrong);
  });

  test('required-checks with an empty token: an input error before any git or network call', async () => {
    const before = server.requests.length;
    const r = await runStep('validate-release', { eventFixture: 'push-tag-v1.2.3', env: { GITHUB_API_URL: server.url }, githubToken: '', inputs: { 'required-checks': 'build' } });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual(["Input 'github-token' is required when 'required-checks' is given (pass ${{ github.token }} or a token that can read checks)"]);
    expect(server.requests.length).toBe(before);
  });

  test('no tag input on a branch push: a clear error', async () => {
    const r = await runStep('validate-release', { eventFixture: 'push-main', githubToken: TOKEN });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual(["Input 'tag' is required when the workflow does not run on a tag push (GITHUB_REF is 'refs/heads/main')"]);
  });

  test('a tag that is not prefix + semantic version: one clear error', async () => {
    const r = await runStep('validate-release', { eventFixture: 'push-tag-v1.2.3', githubToken: TOKEN, inputs: { tag: 'release-2026.11' } });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual(["Tag 'release-2026.11' is not 'v' followed by a semantic version such as v1.2.3 or v1.2.3-rc.1 (see tag-prefix)"]);
  });
});

test('a stub pattern that backtracks without end is stopped at its time limit: one error naming the input', async () => {
  const { dir } = readyRepo();
  writeFiles(dir, { 'src/data.txt': `${'a'.repeat(40)}!\n` });
  const started = performance.now();
  const r = await runStep('validate-release', { workspace: dir, eventFixture: 'push-tag-v1.2.3', githubToken: TOKEN, inputs: { 'stub-patterns': 'Coming Soon\n/(a+)+$/' }, timeoutMs: 20_000 });
  expect(r.timedOut).toBe(false);
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([
    "Input 'stub-patterns' holds /(a+)+$/, which took longer than 2000 ms on src/data.txt: it backtracks without end (as /(a+)+$/ does); write it without nested repetition",
  ]);
  expect(performance.now() - started).toBeLessThan(10_000);
});
