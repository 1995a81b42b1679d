/**
 * The OCI annotations set on every image (`org.opencontainers.image.*`, as metadata-action sets
 * them), then the user's `labels`, which win on the same key. Labels the job cannot know (no
 * repository, no commit) are left out rather than set empty.
 */
import type { GithubContext } from './github-context.js';

export const OCI = 'org.opencontainers.image';

export function ociLabels(
  context: GithubContext,
  version: string | undefined,
  created: Date,
  extra: ReadonlyArray<readonly [string, string]> = [],
): Record<string, string> {
  const labels: Record<string, string> = {};
  if (context.repository) labels[`${OCI}.source`] = `${context.serverUrl.replace(/\/+$/, '')}/${context.repository}`;
  if (context.sha) labels[`${OCI}.revision`] = context.sha;
  if (version) labels[`${OCI}.version`] = version;
  labels[`${OCI}.created`] = created.toISOString();
  if (context.repository) labels[`${OCI}.title`] = context.repository.split('/').pop()!;
  for (const [key, value] of extra) labels[key] = value;
  return labels;
}
