/**
 * What the tag, label and push rules need from the job, read from the runner's variables and the
 * event payload. Everything is optional: a step run outside GitHub (or with `GITHUB_REF` unset)
 * gets fewer automatic tags, never a crash.
 */
import type { Env } from '../lib/inputs.js';
import { readRunContext } from '../lib/run-context.js';

export interface GithubContext {
  eventName?: string;
  /** `refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/7/merge`. */
  ref?: string;
  sha?: string;
  /** `owner/name` */
  repository?: string;
  serverUrl: string;
  pullRequestNumber?: number;
  /** The repository's git tags (for `latest: auto`), read on tag builds only; undefined when unknown. */
  gitTags?: string[];
}

function pullRequestNumber(payload: Record<string, unknown>, ref: string | undefined): number | undefined {
  const pr = payload.pull_request as { number?: unknown } | undefined;
  const fromPayload = pr?.number ?? payload.number;
  if (typeof fromPayload === 'number' && Number.isSafeInteger(fromPayload)) return fromPayload;
  const fromRef = ref?.match(/^refs\/pull\/(\d+)\//);
  return fromRef ? Number(fromRef[1]) : undefined;
}

export function readGithubContext(env: Env = process.env): GithubContext {
  const run = readRunContext(env);
  const ref = run.ref || undefined;
  const isPullRequest = run.eventName === 'pull_request' || run.eventName === 'pull_request_target';
  return {
    eventName: run.eventName || undefined,
    ref,
    sha: run.sha || undefined,
    repository: run.repository || undefined,
    serverUrl: run.serverUrl,
    pullRequestNumber: isPullRequest ? pullRequestNumber(run.payload, ref) : undefined,
  };
}
