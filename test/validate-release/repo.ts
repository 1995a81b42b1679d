/**
 * Real git repositories in temporary folders for the validate-release tests: commits, tags, a bare
 * `origin`, and shallow clones made the way actions/checkout makes them (`--depth 1`, no tags).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Release Bot',
  GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Release Bot',
  GIT_COMMITTER_EMAIL: 'release@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

const created: string[] = [];

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function tempDir(prefix = 'validate-release-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder made by tempDir (call in afterAll). */
export function cleanUp(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export function initRepo(): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

/** Writes the files, commits them, and tags the commit with each tag (annotated when `annotated`). */
export function commit(dir: string, files: Record<string, string | Buffer>, tags: string[] = [], annotated = false): string {
  writeFiles(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', `commit ${tags.join(' ') || 'work'}`);
  for (const tag of tags) {
    if (annotated) git(dir, 'tag', '-a', tag, '-m', `release ${tag}`);
    else git(dir, 'tag', tag);
  }
  return git(dir, 'rev-parse', 'HEAD');
}

export const changelog = (...versions: string[]) =>
  [
    '# Changelog',
    '',
    'All notable changes to this project are documented here.',
    '',
    '## [Unreleased]',
    '',
    ...versions.flatMap((version) => [`## [${version}] - 2026-11-20`, '', '### Added', '', `- Feature of ${version}.`, '']),
    ...versions.map((version) => `[${version}]: https://github.com/sunday/app/releases/tag/v${version}`),
    '',
  ].join('\n');

export const packageJson = (version: string) => `${JSON.stringify({ name: 'sunday-app', version, private: true }, null, 2)}\n`;

/** A ready release: earlier tags v1.0.0 and v1.2.2, then v1.2.3 with matching files. */
export function readyRepo(options: { version?: string; previous?: string[] } = {}): { dir: string; sha: string } {
  const version = options.version ?? '1.2.3';
  const dir = initRepo();
  for (const previous of options.previous ?? ['1.0.0', '1.2.2']) {
    commit(dir, { 'package.json': packageJson(previous), 'CHANGELOG.md': changelog(previous), 'src/index.ts': `export const version = '${previous}';\n` }, [`v${previous}`]);
  }
  const sha = commit(dir, { 'package.json': packageJson(version), 'CHANGELOG.md': changelog(version, '1.2.2'), 'src/index.ts': `export const version = '${version}';\n` }, [`v${version}`], true);
  return { dir, sha };
}

/**
 * A bare copy of `dir` to act as `origin`, and a shallow clone of it over file:// (so `--depth`
 * applies): `clone` is `git clone --depth 1 --no-tags`; `checkout` is what actions/checkout runs
 * for a tag push with its default fetch-depth 1 (only the pushed tag, one commit deep).
 */
export function shallowCopy(dir: string, how: 'clone' | 'checkout', tag = 'v1.2.3'): { origin: string; clone: string } {
  const origin = join(tempDir('validate-release-origin-'), 'origin.git');
  git(dirname(origin), 'clone', '-q', '--bare', dir, origin);
  const clone = tempDir('validate-release-clone-');
  if (how === 'clone') {
    git(clone, 'clone', '-q', '--depth', '1', '--no-tags', `file://${origin}`, '.');
  } else {
    git(clone, 'init', '-q', '-b', 'main');
    git(clone, 'remote', 'add', 'origin', `file://${origin}`);
    git(clone, 'fetch', '-q', '--no-tags', '--depth=1', 'origin', `+refs/tags/${tag}:refs/tags/${tag}`);
    git(clone, 'checkout', '-q', '--detach', `refs/tags/${tag}`);
  }
  return { origin, clone };
}
