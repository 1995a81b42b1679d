/**
 * Which proxy, if any, a request to a URL goes through, from the variables the runner sets:
 * `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY` for http ones, and
 * `no_proxy`/`NO_PROXY` for what goes direct. The rules are exactly @actions/http-client's, which
 * @actions/core (the OIDC token) and @actions/github (Octokit) already follow, so every client of
 * the suite agrees on every URL:
 * - the lower-case variable wins over the upper-case one;
 * - loopback hosts (`localhost`, `127.*`, `[::1]`) always go direct;
 * - a NO_PROXY entry is `*`, a host (`example.com` also matches `api.example.com`), `.example.com`,
 *   or `host:port`; entries are comma-separated and case-insensitive.
 * Pure and light: no client is loaded here (see ./proxy-agents.ts for the clients' set-up).
 */
import type { Env } from './inputs.js';

export interface ProxyEnv {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

function first(env: Env, lower: string): string | undefined {
  return env[lower] || env[lower.toUpperCase()] || undefined;
}

export function readProxyEnv(env: Env = process.env): ProxyEnv {
  return { httpProxy: first(env, 'http_proxy'), httpsProxy: first(env, 'https_proxy'), noProxy: first(env, 'no_proxy') };
}

/** True when any request could go through a proxy: only then are proxy-aware clients set up. */
export function proxyConfigured(env: Env = process.env): boolean {
  const { httpProxy, httpsProxy } = readProxyEnv(env);
  return Boolean(httpProxy || httpsProxy);
}

function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower.startsWith('127.') || lower === '[::1]' || lower === '[0:0:0:0:0:0:0:1]';
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

export function bypassesProxy(url: URL, noProxy = ''): boolean {
  if (!url.hostname) return false;
  if (isLoopback(url.hostname)) return true;
  const host = url.hostname.toUpperCase();
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  const candidates = port === undefined ? [host] : [host, `${host}:${port}`];
  return noProxy
    .split(',')
    .map((item) => item.trim().toUpperCase())
    .filter(Boolean)
    .some(
      (item) =>
        item === '*' ||
        candidates.some((candidate) => candidate === item || candidate.endsWith(`.${item}`) || (item.startsWith('.') && candidate.endsWith(item))),
    );
}

/** A proxy URL without a scheme (`proxy.corp:3128`) is taken as http://, as the toolkit does. */
function normalise(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** The proxy URL a request to `url` goes through, or undefined to go direct. */
export function proxyFor(url: string | URL, env: Env = process.env): string | undefined {
  const target = typeof url === 'string' ? new URL(url) : url;
  const settings = readProxyEnv(env);
  const proxy = target.protocol === 'https:' ? settings.httpsProxy : target.protocol === 'http:' ? settings.httpProxy : undefined;
  if (!proxy || bypassesProxy(target, settings.noProxy)) return undefined;
  return normalise(proxy);
}
