/**
 * The fetch Octokit is given: each GitHub API request with its own timeout, so an API (or a proxy in
 * front of it) that accepts and never answers fails the request instead of holding the step; and
 * through the runner's proxy (HTTPS_PROXY, NO_PROXY), which a fetch of our own must honour itself:
 * Octokit's default one did, through @actions/http-client.
 */
import { fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { ProxyRouter } from './proxy-agents.js';

export const GITHUB_REQUEST_TIMEOUT_MS = 30_000;

export function timedFetch(timeoutMs = GITHUB_REQUEST_TIMEOUT_MS): typeof fetch {
  const dispatcher = new ProxyRouter(process.env);
  return ((input: string | URL, init: RequestInit = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return undiciFetch(input, { ...(init as UndiciRequestInit), signal, dispatcher });
  }) as typeof fetch;
}
