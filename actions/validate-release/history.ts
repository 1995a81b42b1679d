/**
 * The repository's release history, read with the real `git`: which earlier release tags exist,
 * fetching them from `origin` when the checkout may lack them (actions/checkout clones shallow and
 * without tags by default). It never concludes "first release" from a history it could not see.
 */
import { execFile } from 'node:child_process';
import { compareVersions, parseTag } from './version.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Git = (args: string[]) => Promise<GitResult>;

/** Runs `git` in `cwd`, never prompting for credentials. */
export function createGit(cwd: string, timeoutMs = 120_000): Git {
  return (args) =>
    new Promise((done) => {
      execFile(
        'git',
        args,
        { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          done({ code, stdout, stderr: stderr || (error && !stderr ? error.message : '') });
        },
      );
    });
}

/** Versions of the release tags other than `tag` itself, highest first. */
export function earlierReleases(tags: string[], prefix: string, tag: string): string[] {
  return tags
    .filter((other) => other !== tag)
    .map((other) => parseTag(other, prefix)?.version)
    .filter((version): version is string => version !== undefined)
    .sort((a, b) => compareVersions(b, a));
}

export interface IncreaseVerdict {
  /** Highest earlier release, '' for a first release. */
  previous: string;
  reason?: string;
}

/** The version must be greater than every earlier release (equal is not greater). */
export function judgeIncrease(version: string, earlier: string[], prefix: string): IncreaseVerdict {
  const previous = earlier[0] ?? '';
  if (previous && compareVersions(version, previous) <= 0) {
    const same = compareVersions(version, previous) === 0;
    return { previous, reason: `version ${version} is not greater than ${same ? 'the existing' : 'the earlier'} release ${prefix}${previous}` };
  }
  return { previous };
}

export interface History {
  tags: string[];
  shallow: boolean;
  /** Whether `git fetch --tags origin` ran (and succeeded). */
  fetched: boolean;
  /** Why fetching tags failed, for a complete clone that goes on with its own tags. */
  fetchFailed?: string;
}

export class HistoryError extends Error {}

const FETCH_DEPTH_HINT = 'check out with actions/checkout and `fetch-depth: 0` so that every earlier tag is present';

/** git's own diagnosis: its first `fatal:`/`error:` line (what follows is advice), else its first line. */
function gitMessage(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? 'no output';
}

async function listTags(git: Git): Promise<string[]> {
  const result = await git(['tag', '--list']);
  if (result.code !== 0) throw new HistoryError(`could not list the repository's tags (${gitMessage(result.stderr)})`);
  return result.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

/**
 * The repository's tags, complete enough to judge an increase: a shallow repository, or one with no
 * earlier release tag, first fetches the tags from `origin`. Throws HistoryError when history is
 * missing and cannot be fetched. With `fetch: false` only the local tags are read (best effort).
 */
export async function readHistory(git: Git, prefix: string, tag: string, fetch = true): Promise<History> {
  const probe = await git(['rev-parse', '--is-shallow-repository']);
  if (probe.code !== 0) {
    throw new HistoryError(`the workspace is not a git repository (${gitMessage(probe.stderr)}); ${FETCH_DEPTH_HINT}`);
  }
  const shallow = probe.stdout.trim() === 'true';
  const tags = await listTags(git);
  if (!fetch || (!shallow && earlierReleases(tags, prefix, tag).length > 0)) return { tags, shallow, fetched: false };

  const origin = await git(['remote', 'get-url', 'origin']);
  // A complete repository with no remote has its whole history here: no earlier tag is a first release.
  if (!shallow && origin.code !== 0) return { tags, shallow, fetched: false };
  const why = shallow ? 'the repository is a shallow clone' : 'no earlier release tag is present locally';
  if (origin.code !== 0) throw new HistoryError(`${why} and has no 'origin' remote to fetch tags from; ${FETCH_DEPTH_HINT}`);
  const fetched = await git(['fetch', '--tags', '--force', '--no-recurse-submodules', 'origin']);
  // A complete clone already holds every tag it was cloned with: no earlier tag is a first release,
  // even when origin cannot be reached to look for newer ones.
  if (fetched.code !== 0 && !shallow) return { tags, shallow, fetched: false, fetchFailed: gitMessage(fetched.stderr) };
  if (fetched.code !== 0) {
    throw new HistoryError(`${why} and fetching tags from origin failed (${gitMessage(fetched.stderr)}); ${FETCH_DEPTH_HINT}`);
  }
  return { tags: await listTags(git), shallow, fetched: true };
}

/** The commit a tag points to in the local repository, or undefined. */
export async function commitOfTag(git: Git, tag: string): Promise<string | undefined> {
  const result = await git(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Tracked and untracked-but-not-ignored files, relative, or undefined outside a git repository. */
export async function listFiles(git: Git): Promise<string[] | undefined> {
  const result = await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  if (result.code !== 0) return undefined;
  return [...new Set(result.stdout.split('\0').filter(Boolean))];
}
