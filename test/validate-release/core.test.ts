/** Unit tests of validate-release's pure modules: tag and version files, CHANGELOG, stubs, order, checks, inputs. */
import { findSection } from '../../actions/validate-release/changelog.js';
import { readConfig, resolveTag } from '../../actions/validate-release/config.js';
import { earlierReleases, judgeIncrease } from '../../actions/validate-release/history.js';
import { checkReason, judgeRequiredChecks, type CheckRunState } from '../../actions/validate-release/required-checks.js';
import { parseStubPattern } from '../../actions/validate-release/stub-pattern.js';
import { findStubsInText, isBinary, selectFiles } from '../../actions/validate-release/stubs.js';
import { checkVersionFile, parseTag, versionInFile } from '../../actions/validate-release/version.js';

describe('parseTag', () => {
  test.each([
    ['v1.2.3', 'v', { version: '1.2.3', major: 1, minor: 2, patch: 3, prerelease: '', isPrerelease: false }],
    ['v1.2.3-rc.1', 'v', { version: '1.2.3-rc.1', major: 1, minor: 2, patch: 3, prerelease: 'rc.1', isPrerelease: true }],
    ['release-10.0.0-beta.2.x', 'release-', { version: '10.0.0-beta.2.x', major: 10, minor: 0, patch: 0, prerelease: 'beta.2.x', isPrerelease: true }],
    ['2.0.0+build.7', '', { version: '2.0.0+build.7', major: 2, minor: 0, patch: 0, prerelease: '', isPrerelease: false }],
  ])('%s with prefix %j', (tag, prefix, expected) => {
    expect(parseTag(tag, prefix)).toEqual(expected);
  });

  test.each([
    ['1.2.3', 'v'],
    ['vv1.2.3', 'v'],
    ['v1.2', 'v'],
    ['v01.2.3', 'v'],
    ['v1.2.3.4', 'v'],
    ['latest', ''],
    ['v1.2.3-', 'v'],
  ])('%s with prefix %j is not a release tag', (tag, prefix) => {
    expect(parseTag(tag, prefix)).toBeUndefined();
  });
});

describe('version files', () => {
  test('package.json version and a plain VERSION file', () => {
    expect(versionInFile('package.json', '{"name":"x","version":"1.2.3"}')).toEqual({ version: '1.2.3' });
    expect(versionInFile('VERSION', '1.2.3\n')).toEqual({ version: '1.2.3' });
    expect(versionInFile('sub/VERSION', '  \n')).toEqual({ problem: 'sub/VERSION is empty' });
    expect(versionInFile('package.json', '{"name":"x"}')).toEqual({ problem: 'package.json has no "version" field' });
    expect(versionInFile('package.json', '{oops')).toEqual({ problem: expect.stringMatching(/^package\.json is not valid JSON \(/) });
  });

  test('each file must hold exactly the tag version', () => {
    expect(checkVersionFile('package.json', '{"version":"1.2.3"}', '1.2.3')).toBeUndefined();
    expect(checkVersionFile('package.json', '{"version":"1.2.2"}', '1.2.3')).toBe('package.json has version 1.2.2, but the tag says 1.2.3');
    expect(checkVersionFile('VERSION', 'v1.2.3', '1.2.3')).toBe('VERSION has version v1.2.3, but the tag says 1.2.3');
    expect(checkVersionFile('VERSION', undefined, '1.2.3')).toBe('VERSION does not exist (listed in version-files)');
  });
});

describe('CHANGELOG sections', () => {
  const text = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '- Not yet.',
    '',
    '## [1.2.3-rc.1] - 2026-11-18',
    '- Candidate.',
    '',
    '## [1.2.3] - 2026-11-20',
    '',
    '### Added',
    '- Exports.',
    '',
    '### Fixed',
    '- A crash.',
    '',
    '## 1.2.2',
    '- Older.',
    '',
    '## v1.0.0 (2025-01-01)',
    'First.',
    '',
    '[1.2.3]: https://github.com/sunday/app/compare/v1.2.2...v1.2.3',
    '[1.2.2]: https://github.com/sunday/app/compare/v1.0.0...v1.2.2',
    '',
  ].join('\n');

  test('Keep a Changelog heading with link and date; body up to the next section, subsections kept', () => {
    expect(findSection(text, '1.2.3', 'v')).toEqual({ heading: '## [1.2.3] - 2026-11-20', line: 9, body: '### Added\n- Exports.\n\n### Fixed\n- A crash.' });
  });

  test('plain heading, prerelease heading, prefixed heading', () => {
    expect(findSection(text, '1.2.2')?.body).toBe('- Older.');
    expect(findSection(text, '1.2.3-rc.1')?.body).toBe('- Candidate.');
    // The last section does not take the link definitions as notes.
    expect(findSection(text, '1.0.0', 'v')).toEqual({ heading: '## v1.0.0 (2025-01-01)', line: 20, body: 'First.' });
  });

  test('no section: other versions that merely start alike do not count', () => {
    expect(findSection(text, '1.2')).toBeUndefined();
    expect(findSection(text, '1.2.30')).toBeUndefined();
    expect(findSection('## [1.2.3-rc.1]\n', '1.2.3')).toBeUndefined();
    expect(findSection('### 1.2.3\n', '1.2.3')).toBeUndefined();
    expect(findSection('Released 1.2.3 today\n', '1.2.3')).toBeUndefined();
  });

  test('CRLF files and an empty section', () => {
    expect(findSection('## 1.2.3\r\n- Windows.\r\n## 1.2.2\r\n', '1.2.3')?.body).toBe('- Windows.');
    expect(findSection('## 1.2.3\n\n## 1.2.2\n', '1.2.3')?.body).toBe('');
  });
});

describe('stub patterns and matches', () => {
  test('text is matched literally, /regex/flags as a regular expression', () => {
    expect(parseStubPattern('Coming Soon (TBD)').regex.test('x Coming Soon (TBD) y')).toBe(true);
    expect(parseStubPattern('a.b').regex.test('axb')).toBe(false);
    expect(parseStubPattern('/todo\\b/i').regex.test('// TODO: later')).toBe(true);
    // A global flag would make test() stateful; it is dropped.
    const pattern = parseStubPattern('/stub/g');
    expect([pattern.regex.test('stub'), pattern.regex.test('stub')]).toEqual([true, true]);
    expect(() => parseStubPattern('/(unclosed/')).toThrow(/Invalid regular expression/);
  });

  test('file, line and column of every match, a line matching two patterns twice', () => {
    const patterns = ['Coming Soon', '/lorem ipsum/i'].map(parseStubPattern);
    const text = 'export const a = 1;\n  title = "Coming Soon";\n// Lorem Ipsum Coming Soon\r\n';
    expect(findStubsInText('src/a.ts', text, patterns)).toEqual([
      { file: 'src/a.ts', line: 2, column: 12, pattern: 'Coming Soon', text: 'title = "Coming Soon";' },
      { file: 'src/a.ts', line: 3, column: 16, pattern: 'Coming Soon', text: '// Lorem Ipsum Coming Soon' },
      { file: 'src/a.ts', line: 3, column: 4, pattern: '/lorem ipsum/i', text: '// Lorem Ipsum Coming Soon' },
    ]);
  });

  test('globs (minimatch, dotfiles included) and binary detection', () => {
    const paths = ['src/a.ts', 'src/deep/b.tsx', 'src/.hidden', 'docs/x.md', 'srcx/c.ts', 'README.md'];
    expect(selectFiles(paths, ['src/**'])).toEqual(['src/a.ts', 'src/deep/b.tsx', 'src/.hidden']);
    expect(selectFiles(paths, ['./docs/*.md', '*.md'])).toEqual(['docs/x.md', 'README.md']);
    expect(selectFiles(paths, ['src/**/*.tsx'])).toEqual(['src/deep/b.tsx']);
    // `!` excludes, wherever it stands in the list; only exclusions search everything else.
    expect(selectFiles(paths, ['!src/**/*.tsx', 'src/**'])).toEqual(['src/a.ts', 'src/.hidden']);
    expect(selectFiles(paths, ['src/**', '!./src/.hidden', '!src/deep/**'])).toEqual(['src/a.ts']);
    expect(selectFiles(paths, ['!src/**'])).toEqual(paths.filter((path) => !path.startsWith('src/')));
    expect(isBinary(Buffer.from('text only\n'))).toBe(false);
    expect(isBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))).toBe(true);
  });
});

describe('release order', () => {
  const tags = ['v1.0.0', 'v1.10.0', 'v1.2.0', 'v2.0.0-rc.1', 'nightly', 'v1.9.9', 'other-3.0.0', 'v1.10.0-beta.1'];

  test('earlier releases: tags with the prefix and a semantic version, not the tag itself, highest first', () => {
    expect(earlierReleases(tags, 'v', 'v2.0.0-rc.1')).toEqual(['1.10.0', '1.10.0-beta.1', '1.9.9', '1.2.0', '1.0.0']);
    expect(earlierReleases(tags, 'other-', 'other-3.1.0')).toEqual(['3.0.0']);
    expect(earlierReleases(['v1.2.3'], 'v', 'v1.2.3')).toEqual([]);
  });

  test('greater than every earlier release, in semver order', () => {
    expect(judgeIncrease('1.10.1', ['1.10.0', '1.9.9'], 'v')).toEqual({ previous: '1.10.0' });
    expect(judgeIncrease('2.0.0', ['2.0.0-rc.1'], 'v')).toEqual({ previous: '2.0.0-rc.1' });
    expect(judgeIncrease('1.0.0', [], 'v')).toEqual({ previous: '' });
    expect(judgeIncrease('1.9.10', ['1.10.0'], 'v')).toEqual({ previous: '1.10.0', reason: 'version 1.9.10 is not greater than the earlier release v1.10.0' });
    expect(judgeIncrease('2.0.0-rc.1', ['2.0.0'], 'v').reason).toBe('version 2.0.0-rc.1 is not greater than the earlier release v2.0.0');
    // Build metadata does not count in semver order: the same version again.
    expect(judgeIncrease('1.2.3+build.2', ['1.2.3+build.1'], 'v').reason).toBe('version 1.2.3+build.2 is not greater than the existing release v1.2.3+build.1');
  });
});

describe('required checks', () => {
  const run = (id: number, name: string, status: string, conclusion: string | null): CheckRunState => ({ id, name, status, conclusion, html_url: `https://github.com/sunday/app/runs/${id}` });
  const runs = [run(1, 'build', 'completed', 'success'), run(2, 'test', 'in_progress', null), run(3, 'lint', 'completed', 'failure'), run(4, 'e2e', 'completed', 'skipped')];

  test('missing, unfinished and not-success each give a reason', () => {
    const judged = judgeRequiredChecks(['build', 'test', 'lint', 'e2e', 'deploy-preview'], runs);
    expect(judged.map((c) => [c.name, c.passed, c.state])).toEqual([
      ['build', true, 'success'],
      ['test', false, 'in progress'],
      ['lint', false, 'failure'],
      ['e2e', false, 'skipped'],
      ['deploy-preview', false, 'missing'],
    ]);
    const sha = 'a'.repeat(40);
    expect(judged.filter((c) => !c.passed).map((c) => checkReason(c, sha))).toEqual([
      "required check 'test' has not finished on aaaaaaaaaaaa (in progress)",
      "required check 'lint' concluded failure on aaaaaaaaaaaa, not success",
      "required check 'e2e' concluded skipped on aaaaaaaaaaaa, not success",
      "required check 'deploy-preview' has not run on aaaaaaaaaaaa",
    ]);
  });

  test('several runs of one name: all must have succeeded', () => {
    expect(judgeRequiredChecks(['build'], [run(1, 'build', 'completed', 'success'), run(2, 'build', 'completed', 'cancelled')])[0].state).toBe('cancelled');
  });
});

describe('inputs', () => {
  const base = {
    GITHUB_REF: 'refs/tags/v1.2.3',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_REPOSITORY: 'sunday/app',
    GITHUB_WORKSPACE: '/work/space',
    'INPUT_TAG-PREFIX': 'v',
    'INPUT_VERSION-FILES': 'package.json\nVERSION\n',
    INPUT_CHANGELOG: 'CHANGELOG.md',
    'INPUT_STUB-PATTERNS': 'Coming Soon\n/TODO\\(release\\)/i',
    'INPUT_STUB-PATHS': 'src/**',
  };

  test('the tag comes from the input, else from a tag push', () => {
    expect(resolveTag({ ...base, INPUT_TAG: 'v2.0.0' })).toBe('v2.0.0');
    expect(resolveTag(base)).toBe('v1.2.3');
    expect(() => resolveTag({ GITHUB_REF: 'refs/heads/main' })).toThrow("Input 'tag' is required when the workflow does not run on a tag push (GITHUB_REF is 'refs/heads/main')");
    expect(() => resolveTag({})).toThrow(/GITHUB_REF is 'not set'/);
  });

  test('all inputs read and checked', () => {
    const config = readConfig(base);
    expect(config).toMatchObject({
      tag: 'v1.2.3',
      versionFiles: ['package.json', 'VERSION'],
      requireChangelog: true,
      requireIncrease: true,
      allowPrerelease: true,
      stubPaths: ['src/**'],
      requiredChecks: [],
      workspace: '/work/space',
      eventSha: base.GITHUB_SHA,
    });
    expect(config.stubPatterns.map((p) => p.source)).toEqual(['Coming Soon', '/TODO\\(release\\)/i']);
    // An explicit tag that is not the pushed one: GITHUB_SHA is not its commit.
    expect(readConfig({ ...base, INPUT_TAG: 'v9.9.9' }).eventSha).toBeUndefined();
  });

  test('input errors name the input', () => {
    expect(() => readConfig({ ...base, 'INPUT_ALLOW-PRERELEASE': 'no' })).toThrow("Input 'allow-prerelease' must be true or false");
    expect(() => readConfig({ ...base, 'INPUT_STUB-PATTERNS': '/(/' })).toThrow(/^Input 'stub-patterns' holds a regular expression that does not compile/);
    expect(() => readConfig({ ...base, INPUT_CHANGELOG: '' })).toThrow("Input 'changelog' is required unless 'require-changelog' is false");
    expect(readConfig({ ...base, INPUT_CHANGELOG: '', 'INPUT_REQUIRE-CHANGELOG': 'false' }).changelog).toBe('');
  });

  test('required-checks with an empty token is an input error, not a silent pass', () => {
    expect(() => readConfig({ ...base, 'INPUT_REQUIRED-CHECKS': 'build' })).toThrow(/^Input 'github-token' is required when 'required-checks' is given/);
    expect(readConfig({ ...base, 'INPUT_REQUIRED-CHECKS': 'build\ntest (24)', 'INPUT_GITHUB-TOKEN': 'ghs_x' }).requiredChecks).toEqual(['build', 'test (24)']);
    expect(() => readConfig({ ...base, GITHUB_REPOSITORY: '', 'INPUT_REQUIRED-CHECKS': 'build', 'INPUT_GITHUB-TOKEN': 'ghs_x' })).toThrow(/GITHUB_REPOSITORY must be 'owner\/name'/);
  });
});
