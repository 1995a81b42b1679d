/**
 * Bounded retries of a registry push. Neither `buildah manifest push` (1.28) nor `buildx build
 * --push` retries a registry's 5xx or a reset connection, so the retry is a re-run of the command:
 * blobs already uploaded are skipped on the next run. 4xx (denied, unauthorized, not found) fail
 * at once: running again would not change the answer.
 */
import { backoffDelay, type Sleep } from '../lib/retry.js';
import { failureLine, type ExecResult } from './exec.js';

export type FailureKind = 'transient' | 'permanent';

const CLIENT_ERROR = /\b4\d\d (?:[A-Z][a-z]+ ?)+|status:? 4\d\d\b|\bunauthori[sz]ed\b|\bdenied\b|authentication required|invalid username\/password|\bforbidden\b|manifest unknown|name unknown/i;
const SERVER_ERROR = /\b5\d\d (?:[A-Z][a-z]+ ?)+|status:? 5\d\d\b|\b50[234]\b/;
const BROKEN_CONNECTION = /connection reset|broken pipe|unexpected EOF|\bEOF\b|i\/o timeout|TLS handshake timeout|connection refused|server closed idle connection|http2: .*GOAWAY/i;

/** What a failed push's output says: a registry or network hiccup, or an answer that will not change. */
export function classifyFailure(output: string): FailureKind {
  const line = failureLine(output);
  for (const text of [line, output]) {
    if (CLIENT_ERROR.test(text)) return 'permanent';
    if (SERVER_ERROR.test(text) || BROKEN_CONNECTION.test(text)) return 'transient';
  }
  return 'permanent';
}

export interface RetryOptions {
  /** Runs in all (first one included). */
  attempts: number;
  sleep: Sleep;
  /** Told before each retry. */
  onRetry: (message: string) => void;
  baseMs?: number;
  /** Only outputs this accepts count as retryable (e.g. buildx: the failure is in the push). */
  isPushFailure?: (output: string) => boolean;
}

export const PUSH_ATTEMPTS = 4;

export class PushFailed extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly kind: FailureKind,
  ) {
    super(message);
    this.name = 'PushFailed';
  }
}

/** Runs `attempt` until it succeeds, fails permanently, or runs out of attempts. */
export async function withPushRetries(what: string, attempt: () => Promise<ExecResult>, options: RetryOptions): Promise<ExecResult> {
  for (let run = 1; ; run++) {
    const result = await attempt();
    if (result.code === 0) return result;
    const retryable = classifyFailure(result.output) === 'transient' && (options.isPushFailure?.(result.output) ?? true);
    const reason = failureLine(result.output);
    if (!retryable) throw new PushFailed(`${what} failed: ${reason}`, run, 'permanent');
    if (run >= options.attempts) throw new PushFailed(`${what} failed after ${run} attempts: ${reason}`, run, 'transient');
    const delayMs = backoffDelay(run, { baseMs: options.baseMs ?? 1000, capMs: 8000, jitter: 'equal' });
    options.onRetry(`${what} failed (${reason}); retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${run + 1} of ${options.attempts})`);
    await options.sleep(delayMs);
  }
}
