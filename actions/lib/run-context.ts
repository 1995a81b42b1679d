/**
 * The job's context read from the runner's variables and the event payload file — what
 * @actions/github's `context` gives, without loading Octokit.
 */
import { readFileSync, existsSync } from 'node:fs';
import type { Env } from './inputs.js';

export interface RunContext {
  repository: string;
  serverUrl: string;
  sha: string;
  ref: string;
  refName: string;
  refType: string;
  actor: string;
  workflow: string;
  job: string;
  runId: string;
  runNumber: string;
  runAttempt: string;
  eventName: string;
  payload: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  runUrl: string;
  commitUrl: string;
}

export function readRunContext(env: Env = process.env): RunContext {
  const eventPath = env.GITHUB_EVENT_PATH;
  let payload = {};
  if (eventPath && existsSync(eventPath)) {
    try {
      payload = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch {
      payload = {}; // an unreadable payload only loses the event's own words
    }
  }
  const repository = env.GITHUB_REPOSITORY ?? '';
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const sha = env.GITHUB_SHA ?? '';
  const runId = env.GITHUB_RUN_ID ?? '';
  return {
    repository,
    serverUrl,
    sha,
    ref: env.GITHUB_REF ?? '',
    refName: env.GITHUB_REF_NAME ?? '',
    refType: env.GITHUB_REF_TYPE ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    runId,
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : '',
    commitUrl: repository && sha ? `${serverUrl}/${repository}/commit/${sha}` : '',
  };
}
