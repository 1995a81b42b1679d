/**
 * The automatic tag rules (what docker/metadata-action's common configuration gives, in-process):
 * a release tag `v1.2.3` → `1.2.3`, `1.2`, `1`, `latest`; a prerelease only itself; a branch → its
 * slug and `sha-<7>`; a pull request → `pr-<number>`; workflow_dispatch and other events → the rules
 * of the ref they run on. Pure: the job is passed in.
 */
import semver from 'semver';
import type { GithubContext } from './github-context.js';

export interface DerivedTags {
  /** Automatic tags followed by the extra ones, without duplicates. */
  tags: string[];
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

function tagRefTags(name: string): { tags: string[]; reason: string } {
  const version = semver.parse(name.replace(/^v(?=\d)/, ''));
  if (!version) return { tags: [slug(name)].filter(Boolean), reason: `tag ${name} (not a semantic version)` };
  if (version.prerelease.length > 0) return { tags: [version.version], reason: `prerelease tag ${name}` };
  const { major, minor, patch } = version;
  return { tags: [`${major}.${minor}.${patch}`, `${major}.${minor}`, `${major}`, 'latest'], reason: `release tag ${name}` };
}

function automaticTags(context: GithubContext): { tags: string[]; reason: string } {
  const { eventName, ref, sha } = context;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    if (context.pullRequestNumber !== undefined) return { tags: [`pr-${context.pullRequestNumber}`], reason: `pull request #${context.pullRequestNumber}` };
  }
  if (ref?.startsWith('refs/tags/')) return tagRefTags(ref.slice('refs/tags/'.length));
  if (ref?.startsWith('refs/heads/')) {
    const branch = ref.slice('refs/heads/'.length);
    return { tags: [slug(branch), shortSha(sha)].filter((t): t is string => Boolean(t)), reason: `branch ${branch}` };
  }
  const fallback = shortSha(sha);
  const why = ref ? `ref ${ref} is neither a branch nor a tag` : 'GITHUB_REF is not set';
  return { tags: fallback ? [fallback] : [], reason: fallback ? `${why}: commit only` : `${why}: no automatic tag` };
}

export function deriveTags(context: GithubContext, extraTags: readonly string[] = []): DerivedTags {
  const automatic = automaticTags(context);
  return {
    tags: [...new Set([...automatic.tags, ...extraTags])],
    version: automatic.tags[0],
    reason: automatic.reason,
  };
}
