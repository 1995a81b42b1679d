/**
 * The automatic tag rules (what docker/metadata-action's common configuration gives, in-process):
 * a release tag `v1.2.3` → `1.2.3`, `1.2`, `1`, `latest`; a prerelease only itself; a branch → its
 * slug and `sha-<7>`; a pull request → `pr-<number>`; workflow_dispatch and other events → the rules
 * of the ref they run on. Pure: the job is passed in.
 *
 * Tags only move forward: `latest`, `<major>` and `<major>.<minor>` go to a release only when it is
 * the highest release among the repository's git tags — of all, of its major, of its minor — so a
 * hotfix v1.4.1 after v2.0.0 gets `1.4.1`, `1.4` and `1`, never `latest`. `latest: true|false`
 * forces it (metadata-action's `flavor: latest`); `tag-prefix`/`tag-suffix` wrap every automatic tag
 * but `latest` (its `flavor: prefix/suffix`).
 */
import semver from 'semver';
import type { GithubContext } from './github-context.js';

export type LatestMode = 'auto' | 'true' | 'false';

export interface TagOptions {
  latest?: LatestMode;
  prefix?: string;
  suffix?: string;
  /** The repository's git tag names; undefined when they could not be read (then nothing is held back). */
  gitTags?: readonly string[];
  /**
   * false: leave out the moving tags (latest, 1, 1.2, a branch): a release is pushed by digest and
   * its version only, and `mode: tag` adds the moving ones once the release has been validated.
   */
  movingTags?: boolean;
}

export interface DerivedTags {
  /** Automatic tags followed by the extra ones, without duplicates. */
  tags: string[];
  /** Of those, the ones that move from image to image (latest, 1, 1.2, a branch): never re-pushable where tags are immutable. */
  moving: string[];
  /** The version the build is of (the OCI `version` label): the first automatic tag. */
  version?: string;
  /** Why these tags, for the log. */
  reason: string;
}

/** A Docker-valid tag from a branch or tag name: lower case, other characters to `-`, at most 128. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
    .replace(/-+$/, '');
}

/** `sha-<7>`; none for a missing or all-zero SHA (GitHub's "no commit", e.g. a deleted branch). */
function shortSha(sha: string | undefined): string | undefined {
  return sha && /^[0-9a-f]{7,}$/i.test(sha) && !/^0+$/.test(sha) ? `sha-${sha.slice(0, 7).toLowerCase()}` : undefined;
}

interface Automatic {
  tags: string[];
  moving: string[];
  reason: string;
}

/** Release versions (no prerelease) among git tag names such as v1.2.3 or 1.2.3. */
function releaseVersions(gitTags: readonly string[]): semver.SemVer[] {
  return gitTags.map((tag) => semver.parse(tag.replace(/^v(?=\d)/, ''))).filter((v): v is semver.SemVer => v !== null && v.prerelease.length === 0);
}

function tagRefTags(name: string, options: TagOptions): Automatic {
  const version = semver.parse(name.replace(/^v(?=\d)/, ''));
  if (!version) return { tags: [slug(name)].filter(Boolean), moving: [], reason: `tag ${name} (not a semantic version)` };
  if (version.prerelease.length > 0) return { tags: [version.version], moving: [], reason: `prerelease tag ${name}` };
  const { major, minor, patch } = version;
  const releases = options.gitTags ? [...releaseVersions(options.gitTags), version] : undefined;
  const highest = (of: semver.SemVer[]) => of.reduce((a, b) => (semver.gt(b, a) ? b : a));
  const held: string[] = [];
  const heldBy = (tag: string, among: semver.SemVer[] | undefined): boolean => {
    if (!among) return false;
    const top = highest(among);
    if (semver.gte(version, top)) return false;
    held.push(`${tag} stays on ${top.version}`);
    return true;
  };
  const tags = [`${major}.${minor}.${patch}`];
  if (!heldBy(`${major}.${minor}`, releases?.filter((v) => v.major === major && v.minor === minor))) tags.push(`${major}.${minor}`);
  if (!heldBy(`${major}`, releases?.filter((v) => v.major === major))) tags.push(`${major}`);
  const latest = options.latest ?? 'auto';
  if (latest === 'true' || (latest === 'auto' && !heldBy('latest', releases))) tags.push('latest');
  const why = held.length ? ` (${held.join(', ')})` : '';
  return { tags, moving: tags.slice(1), reason: `release tag ${name}${why}` };
}

function automaticTags(context: GithubContext, options: TagOptions): Automatic {
  const { eventName, ref, sha } = context;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    if (context.pullRequestNumber !== undefined) return { tags: [`pr-${context.pullRequestNumber}`], moving: [], reason: `pull request #${context.pullRequestNumber}` };
  }
  if (ref?.startsWith('refs/tags/')) return tagRefTags(ref.slice('refs/tags/'.length), options);
  if (ref?.startsWith('refs/heads/')) {
    const branch = ref.slice('refs/heads/'.length);
    const tags = [slug(branch), shortSha(sha)].filter((t): t is string => Boolean(t));
    return { tags, moving: tags.slice(0, 1), reason: `branch ${branch}` };
  }
  const fallback = shortSha(sha);
  const why = ref ? `ref ${ref} is neither a branch nor a tag` : 'GITHUB_REF is not set';
  return { tags: fallback ? [fallback] : [], moving: [], reason: fallback ? `${why}: commit only` : `${why}: no automatic tag` };
}

export function deriveTags(context: GithubContext, extraTags: readonly string[] = [], options: TagOptions = {}): DerivedTags {
  const automatic = automaticTags(context, options);
  const latest = options.latest ?? 'auto';
  const tags = latest === 'false' ? automatic.tags.filter((tag) => tag !== 'latest') : [...automatic.tags];
  if (latest === 'true' && !tags.includes('latest')) tags.push('latest');
  // metadata-action's flavor: prefix and suffix on every automatic tag but latest.
  const wrap = (tag: string) => (tag === 'latest' ? tag : `${options.prefix ?? ''}${tag}${options.suffix ?? ''}`);
  const moving = new Set([...automatic.moving, 'latest'].map(wrap));
  const held = options.movingTags === false ? tags.map(wrap).filter((tag) => moving.has(tag)) : [];
  const all = [...new Set([...tags.map(wrap).filter((tag) => !held.includes(tag)), ...extraTags])];
  return {
    tags: all,
    moving: all.filter((tag) => moving.has(tag)),
    version: automatic.tags[0],
    reason: held.length ? `${automatic.reason}; ${held.join(', ')} left for mode: tag (moving-tags: false)` : automatic.reason,
  };
}
