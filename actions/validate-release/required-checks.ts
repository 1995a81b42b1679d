/** Required check runs on the tagged commit, read from GitHub's Checks API. */

export interface CheckRunState {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string | null;
}

export type ListCheckRuns = (ref: string) => Promise<CheckRunState[]>;

export interface RequiredCheck {
  name: string;
  passed: boolean;
  /** `success`, `failure`, `in progress`, `missing`, … for the summary. */
  state: string;
  url?: string;
}

/**
 * Each required name must have run, finished and concluded `success`. With several runs of one name
 * (several apps, or `filter=all`), every one of them must have succeeded.
 */
export function judgeRequiredChecks(required: string[], runs: CheckRunState[]): RequiredCheck[] {
  return required.map((name) => {
    const named = runs.filter((run) => run.name === name);
    if (!named.length) return { name, passed: false, state: 'missing' };
    const unfinished = named.find((run) => run.status !== 'completed');
    if (unfinished) return { name, passed: false, state: unfinished.status.replace(/_/g, ' '), url: unfinished.html_url ?? undefined };
    const failed = named.find((run) => run.conclusion !== 'success');
    if (failed) return { name, passed: false, state: failed.conclusion ?? 'no conclusion', url: failed.html_url ?? undefined };
    return { name, passed: true, state: 'success', url: named[0].html_url ?? undefined };
  });
}

const PENDING = ['missing', 'queued', 'in progress', 'waiting', 'requested', 'pending'];

/** Not finished yet: queued, running, or not started (a workflow may not have created its run yet). */
export function isPending(state: string): boolean {
  return PENDING.includes(state);
}

/** How often pending checks are read again: a twentieth of the timeout, from 250 ms to 15 s. */
export function pollInterval(timeoutMs: number): number {
  return Math.min(15_000, Math.max(250, Math.round(timeoutMs / 20)));
}

function formatWait(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}

export function checkReason(check: RequiredCheck, ref: string, waitedMs = 0): string {
  const commit = /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 12) : ref;
  const waited = waitedMs > 0 ? ` after waiting ${formatWait(waitedMs)} (checks-timeout)` : '';
  if (check.state === 'missing') return `required check '${check.name}' has not run on ${commit}${waited}`;
  if (isPending(check.state)) return `required check '${check.name}' has not finished on ${commit} (${check.state})${waited}`;
  return `required check '${check.name}' concluded ${check.state} on ${commit}, not success`;
}

/** Every check run on `ref` via octokit's paginate (100 a page), as @actions/github's client gives. */
export function octokitCheckRuns(
  octokit: {
    paginate: (route: string, parameters: Record<string, unknown>) => Promise<unknown[]>;
  },
  repository: string,
): ListCheckRuns {
  const [owner, repo] = repository.split('/');
  return async (ref) =>
    (await octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo, ref, per_page: 100 })) as CheckRunState[];
}
