/**
 * The check engine: runs smoke checks concurrently, each with its own attempts and backoff, all
 * under one deadline. Wall time is about the slowest check, not the sum.
 */
import type { Dispatcher } from 'undici';
import { judgeResponse, statusMatches, type Check } from './check-spec.js';
import { httpRequest, HttpError } from './http.js';
import { RegexSandbox, RegexTimeout } from './regex-sandbox.js';
import { backoffDelay, parseRetryAfter, sleep as realSleep, type Random, type Sleep } from './retry.js';
import { shouldRetry, type FailureKind, type RetryOn } from './retry-on.js';

export { DEFAULT_RETRY_ON, parseRetryOn, shouldRetry, type FailureKind, type RetryOn } from './retry-on.js';

export interface CheckResult {
  name: string;
  url: string;
  ok: boolean;
  status: number | null;
  attempts: number;
  latencyMs: number | null;
  error: string | null;
}

export interface RetryNotice {
  check: string;
  url: string;
  /** The attempt that failed (1-based) and how many are allowed. */
  attempt: number;
  attempts: number;
  /** What failed, as the result's error says it. */
  reason: string;
  delayMs: number;
}

export interface CheckRunOptions {
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  /** For the whole run; what still fails then, fails. */
  deadlineMs: number;
  concurrency: number;
  /** Joined with relative check URLs. */
  baseUrl?: string;
  /** Sent with every check (a check's own headers win). */
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
  sleep?: Sleep;
  random?: Random;
  /** Which failures are retried; undefined retries every failure. */
  retryOn?: RetryOn;
  /** Told of each retry before its wait (one log line per retry). */
  onRetry?: (notice: RetryNotice) => void;
  /** Told of each finished check (progress lines). */
  onResult?: (result: CheckResult) => void;
  /** Where `expect-body` regexes run, with a time limit (default: one made for the run). */
  regexSandbox?: RegexSandbox;
}

export interface CheckRun {
  results: CheckResult[];
  passed: boolean;
  failed: number;
  durationMs: number;
}

const RETRY_DELAY_CAP_MS = 30_000;

export function resolveUrl(url: string, baseUrl?: string): string {
  if (/^https?:\/\//i.test(url) || !baseUrl) return url;
  return baseUrl.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
}

async function runOne(check: Check, options: CheckRunOptions, deadline: number): Promise<CheckResult> {
  const url = resolveUrl(check.url, options.baseUrl);
  const wait = options.sleep ?? realSleep;
  const result: CheckResult = { name: check.name, url, ok: false, status: null, attempts: 0, latencyMs: null, error: null };
  // The last attempt that ran its full time: what to report when the deadline cuts a retry short.
  let lastFull: Pick<CheckResult, 'status' | 'latencyMs' | 'error'> | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    result.attempts = attempt;
    let retryAfterMs: number | undefined;
    let failure: FailureKind;
    const cutByDeadline = deadline - Date.now() < options.timeoutMs;
    try {
      const response = await httpRequest(url, {
        method: check.method,
        headers: { ...options.headers, ...check.headers },
        body: check.body,
        timeoutMs: options.timeoutMs,
        attempts: 1, // the check's own attempts are the retries
        followRedirects: check.followRedirects,
        dispatcher: options.dispatcher,
        deadline,
      });
      result.status = response.status;
      result.latencyMs = Math.round(response.latencyMs);
      // A regex from the checks may backtrack without end on a hostile body: it runs with a time limit.
      const expectBody = check.expectBody;
      const regexMatched = expectBody && 'regex' in expectBody ? await options.regexSandbox!.test(expectBody.regex, response.body) : undefined;
      result.error = judgeResponse(check, response, regexMatched) ?? null;
      failure = statusMatches(response.status, check.expectStatus) ? 'mismatch' : response.status;
      // A server that says when to come back (429, 503) is waited for, within the deadline.
      if (response.status === 429 || response.status === 503) retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof RegexTimeout) {
        result.error = `expect-body ${error.pattern} took longer than ${error.limitMs} ms on the body: it backtracks without end (as /(a+)+$/ does)`;
        break;
      }
      result.status = null;
      result.latencyMs = error instanceof HttpError ? Math.round(error.latencyMs) : null;
      result.error = (error as Error).message;
      failure = error instanceof HttpError && (error.code === 'ETIMEDOUT' || error.code === 'UND_ERR_CONNECT_TIMEOUT') ? 'timeout' : 'connection';
      // A retry that the deadline left only a sliver of time says nothing about the target ("timed out
      // after 1 ms"): the answer before it is the one to report.
      if (failure === 'timeout' && cutByDeadline && lastFull) {
        Object.assign(result, lastFull);
        result.error += ' (deadline reached)';
        break;
      }
    }
    lastFull = { status: result.status, latencyMs: result.latencyMs, error: result.error };
    if (!result.error) {
      result.ok = true;
      return result;
    }
    if (attempt === options.attempts || !shouldRetry(options.retryOn, failure)) break;
    const delay = Math.max(retryAfterMs ?? 0, backoffDelay(attempt, { baseMs: options.retryDelayMs, capMs: RETRY_DELAY_CAP_MS, jitter: 'over' }, options.random));
    if (Date.now() + delay >= deadline) {
      result.error += ' (deadline reached)';
      break;
    }
    options.onRetry?.({ check: check.name, url, attempt, attempts: options.attempts, reason: result.error, delayMs: delay });
    await wait(delay);
  }
  return result;
}

export async function runChecks(checks: Check[], given: CheckRunOptions): Promise<CheckRun> {
  const ownSandbox = given.regexSandbox ? undefined : new RegexSandbox();
  try {
    return await runAll(checks, { ...given, regexSandbox: given.regexSandbox ?? ownSandbox });
  } finally {
    ownSandbox?.close();
  }
}

async function runAll(checks: Check[], options: CheckRunOptions): Promise<CheckRun> {
  const started = performance.now();
  const deadline = Date.now() + options.deadlineMs;
  const results: CheckResult[] = new Array(checks.length);
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const index = next++;
      results[index] = await runOne(checks[index], options, deadline);
      options.onResult?.(results[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, checks.length)) }, worker));
  const failed = results.filter((result) => !result.ok).length;
  return { results, passed: failed === 0, failed, durationMs: Math.round(performance.now() - started) };
}
