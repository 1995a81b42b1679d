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

export function checkReason(check: RequiredCheck, ref: string): string {
  const commit = /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 12) : ref;
  if (check.state === 'missing') return `required check '${check.name}' has not run on ${commit}`;
  if (['queued', 'in progress', 'waiting', 'requested', 'pending'].includes(check.state)) {
    return `required check '${check.name}' has not finished on ${commit} (${check.state})`;
  }
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
