/**
 * What the tag, label and push rules need from the job, read from the runner's variables and the
 * event payload. Everything is optional: a step run outside GitHub (or with `GITHUB_REF` unset)
 * gets fewer automatic tags, never a crash.
 */
import { readFileSync } from 'node:fs';
import type { Env } from '../lib/inputs.js';

export interface GithubContext {
  eventName?: string;
  /** `refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/7/merge`. */
  ref?: string;
  sha?: string;
  /** `owner/name` */
  repository?: string;
  serverUrl: string;
  pullRequestNumber?: number;
}

function readPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  try {
    const payload: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function pullRequestNumber(payload: Record<string, unknown>, ref: string | undefined): number | undefined {
  const pr = payload.pull_request as { number?: unknown } | undefined;
  const fromPayload = pr?.number ?? payload.number;
  if (typeof fromPayload === 'number' && Number.isSafeInteger(fromPayload)) return fromPayload;
  const fromRef = ref?.match(/^refs\/pull\/(\d+)\//);
  return fromRef ? Number(fromRef[1]) : undefined;
}

export function readGithubContext(env: Env = process.env): GithubContext {
  const eventName = env.GITHUB_EVENT_NAME || undefined;
  const ref = env.GITHUB_REF || undefined;
  const isPullRequest = eventName === 'pull_request' || eventName === 'pull_request_target';
  return {
    eventName,
    ref,
    sha: env.GITHUB_SHA || undefined,
    repository: env.GITHUB_REPOSITORY || undefined,
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    pullRequestNumber: isPullRequest ? pullRequestNumber(readPayload(env.GITHUB_EVENT_PATH), ref) : undefined,
  };
}
