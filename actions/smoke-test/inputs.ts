/** smoke-test's inputs, read and validated before anything heavy is loaded. */
import { checkHeaders, checksFromUrls, parseChecks, type Check } from '../lib/check-spec.js';
import { DEFAULT_RETRY_ON, parseRetryOn, type RetryOn } from '../lib/retry-on.js';
import {
  InputError,
  readBoolean,
  readDocument,
  readDuration,
  readInteger,
  readLines,
  readPairs,
  readString,
  readUrl,
  type Env,
} from '../lib/inputs.js';

export interface SmokeInputs {
  checks: Check[];
  baseUrl?: string;
  headers: Record<string, string>;
  attempts: number;
  retryDelayMs: number;
  /** Which failures are retried (default 5xx, 429, connection, timeout: a 4xx is final). */
  retryOn: RetryOn;
  timeoutMs: number;
  deadlineMs: number;
  concurrency: number;
  failOnError: boolean;
}

export async function readSmokeInputs(env: Env = process.env, cwd = process.cwd()): Promise<SmokeInputs> {
  const baseUrl = readUrl('base-url', env)?.toString();
  const document = await readDocument('checks', env, cwd);
  const checks = [
    ...checksFromUrls('url', readLines('url', env), baseUrl !== undefined),
    ...(document === undefined ? [] : parseChecks('checks', document, baseUrl !== undefined)),
  ];
  if (checks.length === 0) throw new InputError('url', "or input 'checks' is required: give one or more URLs, or a list of checks");
  const timeoutMs = readDuration('timeout', 10_000, env);
  const deadlineMs = readDuration('deadline', 300_000, env);
  if (timeoutMs <= 0) throw new InputError('timeout', 'must be a duration above zero');
  if (deadlineMs <= 0) throw new InputError('deadline', 'must be a duration above zero');
  const headers = Object.fromEntries(readPairs('headers', ':', env));
  checkHeaders('headers', headers);
  const retryOn = parseRetryOn(readString('retry-on', env) || DEFAULT_RETRY_ON);
  if (!retryOn) throw new InputError('retry-on', 'must list status codes (429), classes (5xx) or connection, timeout, mismatch, comma-separated');
  return {
    checks,
    baseUrl,
    headers,
    attempts: readInteger('attempts', 5, { min: 1, max: 100 }, env),
    retryDelayMs: readDuration('retry-delay', 2_000, env),
    retryOn,
    timeoutMs,
    deadlineMs,
    concurrency: readInteger('concurrency', 8, { min: 1, max: 256 }, env),
    failOnError: readBoolean('fail-on-error', true, env),
  };
}
