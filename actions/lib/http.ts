/**
 * One HTTP helper for the suite: a timeout per attempt, bounded retries with full-jitter backoff
 * that honour `Retry-After`, and retries only of what is safe to repeat. Callers may pass an undici
 * dispatcher (a CA, a client certificate) and extra headers — blue-green-deploy sends smoke checks
 * through the Kubernetes API server's proxy that way.
 *
 * Built on undici's `request`, not `fetch`: fetch drops a `Host` header (smoke checks against an
 * address need one) and refuses ports on its "bad port" list (port 1 would not even be tried).
 */
import { getGlobalDispatcher, Headers, interceptors, request, type Dispatcher } from 'undici';
import { backoffDelay, parseRetryAfter, sleep as realSleep, type Random, type Sleep } from './retry.js';
import { proxyConfigured } from './proxy.js';
import { ProxyRouter } from './proxy-agents.js';

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Per attempt: connect, headers and body together. */
  timeoutMs?: number;
  /** Attempts in all (1 = no retry). */
  attempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /** A `Retry-After` longer than this is not waited for: the response is returned as it is. */
  maxRetryAfterMs?: number;
  /**
   * Retry non-idempotent requests on 5xx and broken connections too. Only for APIs that are safe to
   * repeat (e.g. posting a notification, where a duplicate is better than none).
   */
  retryUnsafe?: boolean;
  followRedirects?: boolean;
  dispatcher?: Dispatcher;
  /** Epoch ms after which no new attempt starts and no attempt runs on. */
  deadline?: number;
  sleep?: Sleep;
  random?: Random;
  /** Told of each retry, e.g. to log it. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The URL asked for. */
  url: string;
  attempts: number;
  /** Time of the last attempt, to the end of the body. */
  latencyMs: number;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly attempts: number,
    readonly latencyMs: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const MAX_REDIRECTIONS = 20;

/** Through the runner's proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) when it sets one, else undici's default. */
let proxyRouter: Dispatcher | undefined;
function defaultDispatcher(): Dispatcher {
  if (!proxyConfigured(process.env)) return getGlobalDispatcher();
  return (proxyRouter ??= new ProxyRouter(process.env));
}

/** The dispatcher with redirects followed, made once per base dispatcher. */
const following = new WeakMap<Dispatcher, Dispatcher>();
function withRedirects(base: Dispatcher): Dispatcher {
  let composed = following.get(base);
  if (!composed) following.set(base, (composed = base.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }))));
  return composed;
}

/**
 * undici's own Headers, already loaded for the request: the global one is Node's internal copy of
 * undici, which a first `new Headers()` would load and compile (~15 ms of a step's start).
 */
function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  return headers;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRY_STATUSES = new Set([408, 500, 502, 503, 504]);

/** Network failures where the request never reached the server: safe to repeat for any method. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function networkCode(error: unknown): string {
  const err = error as { name?: string; code?: string; cause?: { code?: string; name?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError') return 'ETIMEDOUT';
  return err?.cause?.code ?? err?.code ?? 'ENETWORK';
}

function describe(code: string, error: unknown, timeoutMs: number): string {
  if (code === 'ETIMEDOUT') return `timed out after ${timeoutMs} ms`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  const cause = (error as { cause?: { message?: string } })?.cause?.message;
  return cause ?? (error as Error)?.message ?? String(error);
}

export async function httpRequest(url: string | URL, options: HttpOptions = {}): Promise<HttpResponse> {
  const method = (options.method ?? 'GET').toUpperCase();
  const attempts = Math.max(1, options.attempts ?? 3);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const wait = options.sleep ?? realSleep;
  const safe = IDEMPOTENT.has(method) || options.retryUnsafe === true;
  const backoff = { baseMs: options.retryBaseMs ?? 500, capMs: options.retryCapMs ?? 10_000 };

  for (let attempt = 1; ; attempt++) {
    const remaining = options.deadline === undefined ? Infinity : options.deadline - Date.now();
    const attemptTimeout = Math.max(1, Math.min(timeoutMs, remaining));
    const started = performance.now();
    let retryReason: string;
    let retryAfterMs: number | undefined;
    let lastResponse: HttpResponse | undefined;
    try {
      const base = options.dispatcher ?? defaultDispatcher();
      const response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: options.headers,
        body: options.body,
        dispatcher: options.followRedirects === false ? base : withRedirects(base),
        signal: AbortSignal.timeout(attemptTimeout),
      });
      const body = await response.body.text();
      const result = { status: response.statusCode, headers: toHeaders(response.headers), body, url: String(url), attempts: attempt, latencyMs: performance.now() - started };
      const retryable = result.status === 429 || (safe && RETRY_STATUSES.has(result.status));
      if (!retryable || attempt >= attempts) return result;
      retryAfterMs = parseRetryAfter(result.headers.get('retry-after'));
      if (retryAfterMs !== undefined && retryAfterMs > (options.maxRetryAfterMs ?? 60_000)) return result;
      lastResponse = result;
      retryReason = `HTTP ${result.status}`;
    } catch (error) {
      const code = networkCode(error);
      const latencyMs = performance.now() - started;
      const message = describe(code, error, attemptTimeout);
      if (attempt >= attempts || !(safe || NEVER_SENT.has(code))) throw new HttpError(message, code, attempt, latencyMs);
      retryReason = message;
    }
    const delayMs = Math.max(retryAfterMs ?? 0, backoffDelay(attempt, backoff, options.random));
    if (options.deadline !== undefined && Date.now() + delayMs >= options.deadline) {
      if (lastResponse) return lastResponse;
      throw new HttpError(`${retryReason}; no time left before the deadline to retry`, 'EDEADLINE', attempt, 0);
    }
    options.onRetry?.({ attempt, delayMs, reason: retryReason });
    await wait(delayMs);
  }
}
