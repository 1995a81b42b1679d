/**
 * The one retry loop for STS calls. The SDK client runs with `maxAttempts: 1` so attempts never
 * multiply; here each error class decides: stop, back off and retry, or fetch a fresh OIDC token
 * and retry. Pure (no SDK import): it classifies what the SDK throws by name, HTTP status and
 * Node error code, as checked against test/servers/sts with @aws-sdk/client-sts.
 */
import { backoffDelay, sleep, type Random, type Sleep } from '../retry.js';

export type RetryDecision = 'fail' | 'backoff' | 'fresh-token';

export const MAX_ATTEMPTS = 4;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/** Refusals: retrying cannot change the answer, and hammering STS with them looks like an attack. */
const NEVER_RETRY = new Set([
  'AccessDenied',
  'IDPRejectedClaim',
  'IDPRejectedClaimException',
  'MalformedPolicyDocument',
  'MalformedPolicyDocumentException',
  'RegionDisabledException',
  'ValidationError',
]);
/** The token itself was refused: a new one (new iat/exp, maybe a rotated key) may pass. */
const FRESH_TOKEN = new Set(['InvalidIdentityToken', 'InvalidIdentityTokenException', 'ExpiredTokenException', 'ExpiredToken']);
/** Transient on AWS's or GitHub's side. */
const TRANSIENT = new Set([
  'IDPCommunicationError',
  'IDPCommunicationErrorException',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
]);
/** Socket-level failures Node (and the SDK's HTTP handler) report. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'AbortError']);

interface ErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** The wire-level name of an SDK error (its `name`, which the SDK sets from the error code). */
export function errorCode(error: unknown): string {
  const shape = (error ?? {}) as ErrorShape;
  return shape.name && shape.name !== 'Error' ? shape.name : (shape.code ?? 'Error');
}

export function httpStatus(error: unknown): number | undefined {
  const shape = (error ?? {}) as ErrorShape;
  return shape.$metadata?.httpStatusCode ?? shape.$response?.statusCode;
}

const NETWORK_TEXT = new RegExp(`\\b(${[...NETWORK_CODES].join('|')})\\b|socket hang up`);

/**
 * No HTTP answer at all. Besides the error's code, the text is read: the SDK's retry middleware
 * turns a throwable that is not an `Error` of its realm into "AWS SDK error wrapper for <text>",
 * which keeps only the text (seen under jest's VM modules).
 */
export function isNetworkError(error: unknown): boolean {
  const shape = (error ?? {}) as ErrorShape & { message?: string };
  if (httpStatus(error) !== undefined) return false;
  return NETWORK_CODES.has(shape.code ?? '') || NETWORK_NAMES.has(shape.name ?? '') || NETWORK_TEXT.test(shape.message ?? '');
}

export function classifyStsError(error: unknown): RetryDecision {
  const code = errorCode(error);
  if (NEVER_RETRY.has(code)) return 'fail';
  if (FRESH_TOKEN.has(code)) return 'fresh-token';
  if (TRANSIENT.has(code)) return 'backoff';
  const status = httpStatus(error);
  if (status !== undefined && status >= 500) return 'backoff';
  if (isNetworkError(error)) return 'backoff';
  return 'fail';
}

/** Full jitter (AWS's advice for many clients retrying one service): 0–0.5 s, 0–1 s, 0–2 s. */
export const STS_BACKOFF = { baseMs: BASE_DELAY_MS, capMs: MAX_DELAY_MS, jitter: 'full' } as const;

export interface RetryOptions {
  maxAttempts?: number;
  sleep?: Sleep;
  random?: Random;
  /** Default classifyStsError; a caller can first pick out errors of its own. */
  classify?: (error: unknown) => RetryDecision;
  /** Called before each retry (after the wait is chosen), e.g. to log it. */
  onRetry?: (info: { attempt: number; decision: RetryDecision; error: unknown; delayMs: number }) => void;
}

export class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
    readonly decision: RetryDecision,
  ) {
    super(`failed after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
    this.name = 'RetriesExhausted';
  }
}

/**
 * Runs `attempt(n, freshToken)` until it succeeds, an error says stop, or the attempts run out;
 * then throws RetriesExhausted carrying the last error. `freshToken` is true when the previous
 * error asked for a new token.
 */
export async function withStsRetries<T>(
  attempt: (attemptNumber: number, freshToken: boolean) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = Math.min(options.maxAttempts ?? MAX_ATTEMPTS, MAX_ATTEMPTS);
  const wait = options.sleep ?? sleep;
  let freshToken = false;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n, freshToken);
    } catch (error) {
      const decision = (options.classify ?? classifyStsError)(error);
      if (decision === 'fail' || n >= maxAttempts) throw new RetriesExhausted(n, error, decision);
      const delayMs = backoffDelay(n, STS_BACKOFF, options.random);
      options.onRetry?.({ attempt: n, decision, error, delayMs });
      freshToken = decision === 'fresh-token';
      await wait(delayMs);
    }
  }
}
