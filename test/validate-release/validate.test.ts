/**
 * validate-release's checks together, in process, on real git repositories (real `git`, real tags,
 * a bare `origin` and shallow clones over file://). The Checks API is a stand-in function here;
 * the process tests go through the local GitHub server.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGit } from '../../actions/validate-release/history.js';
import type { CheckRunState, ListCheckRuns } from '../../actions/validate-release/required-checks.js';
import { parseStubPattern } from '../../actions/validate-release/stub-pattern.js';
import { validateRelease, type ReleaseOptions } from '../../actions/validate-release/validate.js';
import { changelog, cleanUp, commit, git, initRepo, packageJson, readyRepo, shallowCopy, tempDir, writeFiles } from './repo.js';

afterAll(cleanUp);

function options(workspace: string, overrides: Partial<ReleaseOptions> = {}): ReleaseOptions {
  return {
    tag: 'v1.2.3',
    tagPrefix: 'v',
    versionFiles: ['package.json'],
    changelog: 'CHANGELOG.md',
    requireChangelog: true,
    requireIncrease: true,
    allowPrerelease: true,
    stubPatterns: [parseStubPattern('Coming Soon')],
    stubPaths: ['src/**'],
    requiredChecks: [],
    workspace,
    ...overrides,
  };
}

const validate = (workspace: string, overrides: Partial<ReleaseOptions> = {}, listCheckRuns?: ListCheckRuns) =>
  validateRelease(options(workspace, overrides), { git: createGit(workspace), listCheckRuns });

describe('a ready release', () => {
  test('full repository: every check passes, outputs from the tag, notes from the CHANGELOG', async () => {
    const { dir } = readyRepo();
    const verdict = await validate(dir);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.release).toEqual({ version: '1.2.3', major: 1, minor: 2, patch: 3, prerelease: '', isPrerelease: false });
    expect(verdict.previousVersion).toBe('1.2.2');
    expect(verdict.releaseNotes).toBe('### Added\n\n- Feature of 1.2.3.');
    expect(verdict.outcomes.map((o) => [o.check, o.result])).toEqual([
      ['version-files', 'passed'],
      ['changelog', 'passed'],
      ['increase', 'passed'],
      ['prerelease', 'skipped'],
      ['stubs', 'passed'],
      ['required-checks', 'skipped'],
    ]);
  });

  test('first release in a full repository without origin: previous-version empty', async () => {
    const dir = initRepo();
    commit(dir, { 'package.json': packageJson('0.1.0'), 'CHANGELOG.md': changelog('0.1.0') }, ['v0.1.0']);
    const verdict = await validate(dir, { tag: 'v0.1.0' });
    expect(verdict.reasons).toEqual([]);
    expect(verdict.previousVersion).toBe('');
    expect(verdict.outcomes[2].detail).toBe('first release');
  });

  test('a tag that is not a semantic version stops everything with a clear error', async () => {
    const { dir } = readyRepo();
    await expect(validate(dir, { tag: 'release-1.2' })).rejects.toThrow("Tag 'release-1.2' is not 'v' followed by a semantic version such as v1.2.3 or v1.2.3-rc.1 (see tag-prefix)");
  });
});

describe('history in shallow checkouts', () => {
  test.each(['clone', 'checkout'] as const)('shallow %s without tags: tags are fetched from origin, then compared', async (how) => {
    const { dir } = readyRepo();
    const { clone } = shallowCopy(dir, how);
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
    expect(git(clone, 'tag', '--list', 'v1.2.2')).toBe('');
    const verdict = await validate(clone);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.previousVersion).toBe('1.2.2');
    expect(verdict.outcomes[2].detail).toBe('1.2.3 > 1.2.2 (tags fetched from origin)');
  });

  test('shallow clone whose origin cannot be fetched: fails, saying to use fetch-depth: 0', async () => {
    const { dir } = readyRepo();
    const { clone, origin } = shallowCopy(dir, 'checkout');
    rmSync(origin, { recursive: true, force: true });
    const verdict = await validate(clone);
    expect(verdict.reasons).toEqual([expect.stringMatching(/^cannot tell whether 1\.2\.3 is greater than every earlier release: the repository is a shallow clone and fetching tags from origin failed \(fatal: .+\); check out with actions\/checkout and `fetch-depth: 0`/)]);
    expect(verdict.previousVersion).toBe('');
  });

  test('shallow clone with no origin remote fails too', async () => {
    const { dir } = readyRepo();
    const { clone } = shallowCopy(dir, 'clone');
    git(clone, 'remote', 'remove', 'origin');
    const verdict = await validate(clone);
    expect(verdict.reasons).toEqual([expect.stringContaining("the repository is a shallow clone and has no 'origin' remote to fetch tags from; check out with actions/checkout and `fetch-depth: 0`")]);
  });

  test('full clone holding only the pushed tag, origin unreachable: a first release (the issue: a full repository with no earlier tag), and the summary says origin was not reached', async () => {
    const dir = initRepo();
    commit(dir, { 'package.json': packageJson('1.2.3'), 'CHANGELOG.md': changelog('1.2.3') }, ['v1.2.3']);
    git(dir, 'remote', 'add', 'origin', `file://${tempDir()}/missing.git`);
    const verdict = await validate(dir);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.previousVersion).toBe('');
    expect(JSON.stringify(verdict)).toContain("origin not reachable");
  });

  test('a workspace that is not a git repository fails the increase check, the others still run', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'package.json': packageJson('1.2.3'), 'CHANGELOG.md': changelog('1.2.3'), 'src/a.ts': '// Coming Soon\n' });
    const verdict = await validate(dir);
    expect(verdict.reasons).toEqual([
      expect.stringMatching(/^cannot tell whether 1\.2\.3 is greater than every earlier release: the workspace is not a git repository \(fatal: not a git repository/),
      'stub marker \'Coming Soon\' at src/a.ts:1: // Coming Soon',
    ]);
  });

  test('require-increase false: no fetch and no failure, previous-version from the local tags', async () => {
    const { dir } = readyRepo();
    const { clone, origin } = shallowCopy(dir, 'checkout');
    rmSync(origin, { recursive: true, force: true });
    const verdict = await validate(clone, { requireIncrease: false });
    expect(verdict.reasons).toEqual([]);
    expect(verdict.outcomes[2]).toMatchObject({ result: 'skipped' });
    expect(verdict.previousVersion).toBe('');
    expect((await validate(dir, { requireIncrease: false, tag: 'v1.2.3' })).previousVersion).toBe('1.2.2');
  });
});

describe('allow-existing: redeploying a release', () => {
  test('an older release checked out at its tag passes instead of having to be an increase', async () => {
    const { dir } = readyRepo();
    const { clone } = shallowCopy(dir, 'checkout', 'v1.2.2');
    expect((await validate(clone, { tag: 'v1.2.2' })).reasons).toEqual(['version 1.2.2 is not greater than the earlier release v1.2.3']);
    const verdict = await validate(clone, { tag: 'v1.2.2', allowExisting: true });
    expect(verdict.reasons).toEqual([]);
    expect(verdict.existing).toBe(true);
    expect(verdict.outcomes[2]).toMatchObject({ check: 'increase', result: 'passed', detail: expect.stringMatching(/^existing release v1\.2\.2 \([0-9a-f]{12}\), redeployed as it is \(allow-existing\)$/) });
  });

  test('the tag must point at the commit checked out, and a new tag must still be an increase', async () => {
    const { dir } = readyRepo();
    const verdict = await validate(dir, { tag: 'v1.2.2', allowExisting: true, versionFiles: [], requireChangelog: false });
    expect(verdict.reasons).toEqual([
      expect.stringMatching(/^version 1\.2\.2 is not greater than the earlier release v1\.2\.3, and allow-existing does not apply: v1\.2\.2 points at [0-9a-f]{12}, but [0-9a-f]{12} is checked out$/),
    ]);
    const fresh = await validate(dir, { tag: 'v1.2.1', allowExisting: true, versionFiles: [], requireChangelog: false });
    expect(fresh.reasons).toEqual(['version 1.2.1 is not greater than the earlier release v1.2.3, and allow-existing does not apply: v1.2.1 is not an existing tag of the repository']);
    expect((await validate(dir, { allowExisting: true })).existing).toBe(false);
  });
});

describe('each reason to stop, separately', () => {
  test('version files: a mismatch, a missing file, a plain VERSION file that agrees', async () => {
    const { dir } = readyRepo();
    writeFiles(dir, { VERSION: '1.2.3\n', 'packages/api/package.json': packageJson('1.2.2') });
    const verdict = await validate(dir, { versionFiles: ['package.json', 'VERSION', 'packages/api/package.json', 'packages/web/package.json'] });
    expect(verdict.reasons).toEqual(['packages/api/package.json has version 1.2.2, but the tag says 1.2.3', 'packages/web/package.json does not exist (listed in version-files)']);
  });

  test('CHANGELOG without a section for the version, or missing; not required → no reason', async () => {
    const { dir } = readyRepo();
    writeFileSync(join(dir, 'CHANGELOG.md'), changelog('1.2.2'));
    expect((await validate(dir)).reasons).toEqual(["CHANGELOG.md has no section for 1.2.3 (expected a heading such as '## [1.2.3] - YYYY-MM-DD' or '## 1.2.3')"]);
    expect((await validate(dir, { requireChangelog: false })).reasons).toEqual([]);
    rmSync(join(dir, 'CHANGELOG.md'));
    expect((await validate(dir)).reasons).toEqual(['CHANGELOG.md does not exist (set require-changelog: false to release without one)']);
  });

  test('version not greater than an earlier tag (higher, or the same version tagged twice)', async () => {
    const { dir } = readyRepo();
    git(dir, 'tag', 'v1.10.0', 'HEAD~1');
    expect((await validate(dir)).reasons).toEqual(['version 1.2.3 is not greater than the earlier release v1.10.0']);
    git(dir, 'tag', '-d', 'v1.10.0');
    git(dir, 'tag', 'v1.2.3+rebuild', 'HEAD~1');
    expect((await validate(dir)).reasons).toEqual(['version 1.2.3 is not greater than the existing release v1.2.3+rebuild']);
  });

  test('prerelease rejected only when allow-prerelease is false', async () => {
    const { dir } = readyRepo({ version: '1.2.3-rc.1' });
    const allowed = await validate(dir, { tag: 'v1.2.3-rc.1' });
    expect(allowed.reasons).toEqual([]);
    expect(allowed.release).toMatchObject({ prerelease: 'rc.1', isPrerelease: true, version: '1.2.3-rc.1' });
    expect((await validate(dir, { tag: 'v1.2.3-rc.1', allowPrerelease: false })).reasons).toEqual(['1.2.3-rc.1 is a prerelease (rc.1) and allow-prerelease is false']);
  });

  test('stub markers: file and line of each, tracked and untracked files, ignored and binary files skipped', async () => {
    const { dir } = readyRepo();
    commit(dir, {
      '.gitignore': 'src/generated/\n',
      'src/pages/pricing.tsx': 'export const Pricing = () => (\n  <h1>Coming Soon</h1>\n);\n',
      'src/logo.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from('Coming Soon')]),
      'docs/roadmap.md': 'Coming Soon: everything\n',
    });
    writeFiles(dir, { 'src/untracked.ts': '// placeholder\nexport const x = "TBD: Coming Soon";\n', 'src/generated/api.ts': '// Coming Soon\n' });
    const verdict = await validate(dir, { stubPatterns: ['Coming Soon', '/\\bTBD\\b/'].map(parseStubPattern) });
    expect(verdict.reasons).toEqual([
      "stub marker 'Coming Soon' at src/pages/pricing.tsx:2: <h1>Coming Soon</h1>",
      'stub marker \'Coming Soon\' at src/untracked.ts:2: export const x = "TBD: Coming Soon";',
      'stub marker \'/\\bTBD\\b/\' at src/untracked.ts:2: export const x = "TBD: Coming Soon";',
    ]);
    expect(verdict.stubMatches.map((m) => [m.file, m.line, m.column])).toEqual([
      ['src/pages/pricing.tsx', 2, 7],
      ['src/untracked.ts', 2, 24],
      ['src/untracked.ts', 2, 19],
    ]);
  });

  test('more stub matches than the error lists: the rest are counted', async () => {
    const { dir } = readyRepo();
    writeFiles(dir, { 'src/many.ts': 'Coming Soon\n'.repeat(60) });
    const verdict = await validate(dir);
    expect(verdict.stubMatches).toHaveLength(60);
    expect(verdict.reasons).toHaveLength(51);
    expect(verdict.reasons.at(-1)).toBe('… and 10 more stub markers (listed in the job summary)');
  });

  test('required checks: asked about the tagged commit; missing, running and failed each a reason', async () => {
    const { dir, sha } = readyRepo();
    const asked: string[] = [];
    const runs: CheckRunState[] = [
      { id: 1, name: 'build', status: 'completed', conclusion: 'success' },
      { id: 2, name: 'test', status: 'queued', conclusion: null },
      { id: 3, name: 'lint', status: 'completed', conclusion: 'timed_out' },
    ];
    const verdict = await validate(dir, { requiredChecks: ['build', 'test', 'lint', 'e2e'] }, async (ref) => {
      asked.push(ref);
      return runs;
    });
    expect(asked).toEqual([sha]);
    const short = sha.slice(0, 12);
    expect(verdict.reasons).toEqual([
      `required check 'test' has not finished on ${short} (queued)`,
      `required check 'lint' concluded timed_out on ${short}, not success`,
      `required check 'e2e' has not run on ${short}`,
    ]);
  });

  describe('checks still running are awaited up to checks-timeout', () => {
    /** A clock the sleeps move, and a Checks API that answers each read from the next state. */
    function world(states: CheckRunState[][]) {
      let clock = 0;
      const reads: number[] = [];
      const lines: string[] = [];
      const listCheckRuns: ListCheckRuns = async () => {
        reads.push(clock);
        return states[Math.min(reads.length - 1, states.length - 1)];
      };
      const deps = { listCheckRuns, now: () => clock, sleep: async (ms: number) => void (clock += ms), log: (line: string) => lines.push(line) };
      return { deps, reads, lines };
    }
    const running = (name: string): CheckRunState => ({ id: 1, name, status: 'in_progress', conclusion: null });
    const done = (name: string, conclusion: string): CheckRunState => ({ id: 2, name, status: 'completed', conclusion });

    test('a running check that then succeeds passes, with one log line per wait', async () => {
      const { dir } = readyRepo();
      const { deps, reads, lines } = world([[], [running('test')], [done('test', 'success')]]);
      const verdict = await validateRelease(options(dir, { requiredChecks: ['test'], checksTimeoutMs: 60_000 }), { git: createGit(dir), ...deps });
      expect(verdict.reasons).toEqual([]);
      expect(reads).toEqual([0, 3_000, 6_000]);
      expect(lines).toEqual([
        "Waiting for required checks: 'test' (missing); next look in 3s, 60s left of checks-timeout",
        "Waiting for required checks: 'test' (in progress); next look in 3s, 57s left of checks-timeout",
      ]);
    });

    test('a check that ends failed still fails, at once', async () => {
      const { dir } = readyRepo();
      const { deps, reads } = world([[running('test'), running('build')], [done('test', 'failure'), running('build')]]);
      const verdict = await validateRelease(options(dir, { requiredChecks: ['test', 'build'], checksTimeoutMs: 60_000 }), { git: createGit(dir), ...deps });
      expect(reads).toHaveLength(2);
      expect(verdict.reasons).toEqual([
        expect.stringMatching(/^required check 'test' concluded failure on [0-9a-f]{12}, not success$/),
        expect.stringMatching(/^required check 'build' has not finished on [0-9a-f]{12} \(in progress\) after waiting 3s \(checks-timeout\)$/),
      ]);
    });

    test('still running at the timeout: a reason saying how long it waited', async () => {
      const { dir } = readyRepo();
      const { deps, reads } = world([[running('test')]]);
      const verdict = await validateRelease(options(dir, { requiredChecks: ['test'], checksTimeoutMs: 600_000 }), { git: createGit(dir), ...deps });
      expect(reads).toHaveLength(41);
      expect(verdict.reasons).toEqual([expect.stringMatching(/^required check 'test' has not finished on [0-9a-f]{12} \(in progress\) after waiting 10m \(checks-timeout\)$/)]);
    });

    test('no wait when another check already stops the release', async () => {
      const { dir } = readyRepo();
      writeFiles(dir, { 'src/a.ts': '// Coming Soon\n' });
      const { deps, reads } = world([[running('test')]]);
      await validateRelease(options(dir, { requiredChecks: ['test'], checksTimeoutMs: 600_000 }), { git: createGit(dir), ...deps });
      expect(reads).toEqual([0]);
    });
  });

  test('the Checks API failing is a reason too, never a pass', async () => {
    const { dir } = readyRepo();
    const verdict = await validate(dir, { requiredChecks: ['build'] }, async () => {
      throw new Error('Bad credentials');
    });
    expect(verdict.reasons).toEqual([expect.stringMatching(/^could not read the check runs of [0-9a-f]{40} from GitHub: Bad credentials$/)]);
  });
});

test('every reason at once, in check order', async () => {
  const { dir } = readyRepo();
  git(dir, 'tag', 'v2.0.0', 'HEAD~1');
  writeFiles(dir, { VERSION: '1.2.0\n', 'CHANGELOG.md': changelog('1.2.2'), 'src/a.ts': 'const banner = "Coming Soon";\n' });
  const verdict = await validate(
    dir,
    { tag: 'v1.2.3', versionFiles: ['package.json', 'VERSION'], allowPrerelease: false, requiredChecks: ['build'] },
    async () => [{ id: 9, name: 'build', status: 'completed', conclusion: 'failure' }],
  );
  expect(verdict.reasons).toEqual([
    'VERSION has version 1.2.0, but the tag says 1.2.3',
    "CHANGELOG.md has no section for 1.2.3 (expected a heading such as '## [1.2.3] - YYYY-MM-DD' or '## 1.2.3')",
    'version 1.2.3 is not greater than the earlier release v2.0.0',
    'stub marker \'Coming Soon\' at src/a.ts:1: const banner = "Coming Soon";',
    expect.stringMatching(/^required check 'build' concluded failure on [0-9a-f]{12}, not success$/),
  ]);
  expect(verdict.outcomes.filter((o) => o.result === 'failed').map((o) => o.check)).toEqual(['version-files', 'changelog', 'increase', 'stubs', 'required-checks']);
});
