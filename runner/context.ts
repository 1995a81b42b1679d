/**
 * The `GITHUB_*` variables of a job, derived from the event payload the way GitHub derives them,
 * with explicit overrides for what a payload does not carry (e.g. the SHA of a release).
 */

export interface EventSpec {
  /** Event name: push, pull_request, release, workflow_dispatch, … */
  name: string;
  /** The webhook payload, as GitHub writes it to GITHUB_EVENT_PATH. */
  payload: Record<string, unknown>;
}

export interface JobContext {
  repository: string;
  ref: string;
  sha: string;
  actor: string;
  runId: string;
  runNumber: string;
  runAttempt: string;
  workflow: string;
  workflowRef?: string;
  job: string;
  serverUrl: string;
  apiUrl: string;
  graphqlUrl: string;
  headRef?: string;
  baseRef?: string;
}

const PLACEHOLDER_SHA = '0000000000000000000000000000000000000000';

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What GitHub would set for this event, before the caller's overrides. */
export function contextFromEvent(event: EventSpec): Partial<JobContext> {
  const p = event.payload as Payload;
  const context: Partial<JobContext> = {
    repository: p.repository?.full_name,
    actor: p.sender?.login,
  };
  switch (event.name) {
    case 'push':
      return { ...context, ref: p.ref, sha: p.after };
    case 'pull_request':
    case 'pull_request_target':
      return {
        ...context,
        ref: `refs/pull/${p.number ?? p.pull_request?.number}/merge`,
        sha: p.pull_request?.merge_commit_sha ?? p.pull_request?.head?.sha,
        headRef: p.pull_request?.head?.ref,
        baseRef: p.pull_request?.base?.ref,
      };
    case 'release':
      return { ...context, ref: p.release?.tag_name ? `refs/tags/${p.release.tag_name}` : undefined };
    case 'workflow_dispatch':
      return { ...context, ref: p.ref };
    default:
      return context;
  }
}

export function refName(ref: string): { name: string; type: 'branch' | 'tag' | '' } {
  if (ref.startsWith('refs/heads/')) return { name: ref.slice('refs/heads/'.length), type: 'branch' };
  if (ref.startsWith('refs/tags/')) return { name: ref.slice('refs/tags/'.length), type: 'tag' };
  if (ref.startsWith('refs/pull/')) return { name: ref.slice('refs/pull/'.length), type: '' };
  return { name: ref, type: '' };
}

export function resolveContext(event: EventSpec, overrides: Partial<JobContext> = {}): JobContext {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const derived = Object.fromEntries(Object.entries(contextFromEvent(event)).filter(([, v]) => v !== undefined));
  const context: JobContext = {
    repository: 'sunday/app',
    ref: 'refs/heads/main',
    sha: PLACEHOLDER_SHA,
    actor: 'octocat',
    runId: '1000001',
    runNumber: '1',
    runAttempt: '1',
    workflow: 'CI',
    job: 'build',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    graphqlUrl: 'https://api.github.com/graphql',
    ...derived,
    ...defined,
  };
  return context;
}

/** The job's GITHUB_* variables for a context and event file. */
export function contextVariables(context: JobContext, eventName: string, eventPath: string): Record<string, string> {
  const [owner] = context.repository.split('/');
  const ref = refName(context.ref);
  const variables: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: context.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_REF: context.ref,
    GITHUB_REF_NAME: ref.name,
    GITHUB_REF_TYPE: ref.type,
    GITHUB_SHA: context.sha,
    GITHUB_ACTOR: context.actor,
    GITHUB_TRIGGERING_ACTOR: context.actor,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_RUN_ID: context.runId,
    GITHUB_RUN_NUMBER: context.runNumber,
    GITHUB_RUN_ATTEMPT: context.runAttempt,
    GITHUB_WORKFLOW: context.workflow,
    GITHUB_WORKFLOW_REF: context.workflowRef ?? `${context.repository}/.github/workflows/ci.yml@${context.ref}`,
    GITHUB_JOB: context.job,
    GITHUB_SERVER_URL: context.serverUrl,
    GITHUB_API_URL: context.apiUrl,
    GITHUB_GRAPHQL_URL: context.graphqlUrl,
    GITHUB_HEAD_REF: context.headRef ?? '',
    GITHUB_BASE_REF: context.baseRef ?? '',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'sunday-local-runner',
    RUNNER_ENVIRONMENT: 'self-hosted',
  };
  return variables;
}
