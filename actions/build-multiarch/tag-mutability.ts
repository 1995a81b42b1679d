/**
 * Which tags may be pushed to a repository whose tags are immutable (the AWS-recommended ECR
 * setting): a tag that moves from image to image (latest, 1, 1.2, a branch) cannot be pushed again
 * there, so it is skipped — a release never fails on it. Unique tags (1.2.3, sha-…, pr-…) are
 * pushed. Pure; the setting comes from ECR's DescribeRepositories.
 */
import type { TagMutability } from '../lib/aws/ecr.js';

/** ECR's WILDCARD filter: `*` matches any run of characters, everything else itself. */
export function wildcardMatches(filter: string, tag: string): boolean {
  const pattern = filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(tag);
}

/** Whether a tag can be overwritten under this setting. */
export function isTagMutable(mutability: TagMutability, tag: string): boolean {
  const excluded = mutability.exclusions.some((filter) => wildcardMatches(filter, tag));
  switch (mutability.setting) {
    case 'IMMUTABLE':
      return false;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return !excluded;
    default:
      return true;
  }
}

export interface TagSelection {
  push: string[];
  skipped: string[];
}

/** The tags to push: every unique tag, and the moving ones only where they can be overwritten. */
export function pushableTags(tags: readonly string[], moving: readonly string[], mutability: TagMutability | undefined): TagSelection {
  if (!mutability) return { push: [...tags], skipped: [] };
  const skipped = tags.filter((tag) => moving.includes(tag) && !isTagMutable(mutability, tag));
  return { push: tags.filter((tag) => !skipped.includes(tag)), skipped };
}

/** For a registry whose setting is unknown: a push refused because a tag cannot be overwritten. */
const IMMUTABLE_REFUSAL = /immutable|cannot be overwritten|already exists.*(?:repository|tag)|tag invalid|TAG_INVALID/i;

export function explainImmutableRefusal(output: string, image: string, moving: readonly string[]): string | undefined {
  if (!IMMUTABLE_REFUSAL.test(output)) return undefined;
  const named = moving.find((tag) => new RegExp(`['"\`:\\s]${tag.replace(/[.]/g, '\\.')}['"\`\\s]`).test(` ${output} `));
  const tags = named ? `tag ${named}` : `a moving tag (${moving.join(', ')})`;
  return (
    `The registry refused to overwrite ${tags} of ${image}: its tags are immutable, and ${named ?? 'that tag'} moves from image to image. ` +
    'Make the repository allow it (ECR: IMMUTABLE_WITH_EXCLUSION with a filter for it, which build-multiarch reads and honours), ' +
    'or stop giving that tag (latest: false, or leave it out of tags).'
  );
}
