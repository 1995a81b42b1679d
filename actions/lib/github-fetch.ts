/**
 * The fetch Octokit is given: each GitHub API request with its own timeout, so an API (or a proxy in
 * front of it) that accepts and never answers fails the request instead of holding the step.
 */
export const GITHUB_REQUEST_TIMEOUT_MS = 30_000;

export function timedFetch(timeoutMs = GITHUB_REQUEST_TIMEOUT_MS): typeof fetch {
  return (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}
