/**
 * What the action sees of the user's environment. The rule: everything passes through — an action
 * reads fallbacks such as SLACK_WEBHOOK_URL, SLACK_BOT_TOKEN, KUBECONFIG, AWS_*,
 * ACTIONS_ID_TOKEN_REQUEST_* and proxy settings from there — except what the runner itself owns
 * for the step:
 * - `INPUT_*`: read as inputs instead (see inputs.ts), so a stray one cannot bypass the checks;
 * - `GITHUB_*` and `RUNNER_*`: the step's files and the job's context come from the runner (and
 *   from --event/--ref/--sha/--repository); of the user's, only GITHUB_TOKEN, GITHUB_API_URL,
 *   GITHUB_SERVER_URL, GITHUB_GRAPHQL_URL and RUNNER_DEBUG are honoured;
 * - `NODE_OPTIONS` (it could load hooks into the bundle; a runner sets none) and npm's `npm_*`.
 */
import type { JobContext } from '../runner/index.js';

const KEPT = new Set(['GITHUB_TOKEN', 'RUNNER_DEBUG']);
const DROPPED = /^(INPUT_|GITHUB_|RUNNER_|npm_)|^NODE_OPTIONS$/;

export function stepEnvironment(userEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(userEnv)) {
    if (value !== undefined && (KEPT.has(name) || !DROPPED.test(name))) env[name] = value;
  }
  return env;
}

/** Job context from the command's options and the user's GITHUB_*_URL (e.g. GitHub Enterprise). */
export function contextOverrides(options: { ref?: string; sha?: string; repository?: string }, userEnv: NodeJS.ProcessEnv): Partial<JobContext> {
  return {
    ref: options.ref,
    sha: options.sha,
    repository: options.repository,
    // A run on a laptop is no GitHub run: no run id (so no run URL in audit trails), and the
    // person who ran it as the actor, not a placeholder.
    runId: '',
    actor: userEnv.USER || userEnv.LOGNAME || 'local',
    apiUrl: userEnv.GITHUB_API_URL || undefined,
    serverUrl: userEnv.GITHUB_SERVER_URL || undefined,
    graphqlUrl: userEnv.GITHUB_GRAPHQL_URL || undefined,
  };
}

/** The event a payload most likely belongs to, when --event-path is given without --event. */
export function guessEventName(payload: Record<string, unknown>): string {
  if ('pull_request' in payload) return 'pull_request';
  if ('release' in payload) return 'release';
  if ('ref' in payload && 'after' in payload) return 'push';
  return 'workflow_dispatch';
}

/** Step debugging as GitHub turns it on: the ACTIONS_STEP_DEBUG secret or re-running with debug logging. */
export function debugEnabled(userEnv: NodeJS.ProcessEnv): boolean {
  return userEnv.ACTIONS_STEP_DEBUG === 'true' || userEnv.RUNNER_DEBUG === '1';
}
