/**
 * AWS credentials from the job's GitHub OIDC token: getIDToken → STS AssumeRoleWithWebIdentity,
 * with our retry loop (./retry.ts), every secret masked before any other log line, and errors that
 * name the role and the claims the trust policy saw. Heavy (loads @aws-sdk/client-sts): callers
 * validate their inputs with ./inputs.ts first and import this module lazily.
 *
 * The STS endpoint is the SDK's own setting (AWS_ENDPOINT_URL_STS), never a hook here.
 */
import * as core from '@actions/core';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Env } from '../inputs.js';
import { awsRequestHandler } from './endpoint.js';
import { decodeTrustClaims, describeClaims } from './claims.js';
import { fetchIdToken } from './id-token.js';
import { parseRegion, parseRoleArn, parseSessionName, defaultSessionName, requireIdTokenPermission } from './inputs.js';
import { RetriesExhausted, classifyStsError, errorCode, httpStatus, withStsRetries, MAX_ATTEMPTS } from './retry.js';

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const DEFAULT_DURATION_SECONDS = 3600;

export interface AssumeRoleOptions {
  roleArn: string;
  region: string;
  /** Default `gha-<run_id>-<run_attempt>`. */
  sessionName?: string;
  /** 900 to 43200; default 3600 (the role's maximum session duration must allow it). */
  durationSeconds?: number;
  /** The token's `aud`; default sts.amazonaws.com. */
  audience?: string;
  /** Export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION to later steps. */
  exportEnv?: boolean;
}

/** The shape every AWS SDK client accepts as `credentials`. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

export interface AssumedIdentity {
  roleArn: string;
  /** arn:aws:sts::<account>:assumed-role/<role>/<session> */
  assumedRoleArn?: string;
  assumedRoleId?: string;
  /** The token's `sub`, as STS read it. */
  subject?: string;
  audience?: string;
  provider?: string;
  sessionName: string;
}

export interface AssumeRoleResult {
  credentials: AwsCredentials;
  identity: AssumedIdentity;
  region: string;
  /** STS calls made (1 when the first succeeded). */
  attempts: number;
}

/** What the module needs from outside; all optional (defaults: @actions/core, process.env, real timers). */
export interface AwsDeps {
  env?: Env;
  getIdToken?: (audience: string) => Promise<string>;
  setSecret?: (value: string) => void;
  info?: (line: string) => void;
  exportVariable?: (name: string, value: string) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** An STS client (tests count its calls); default `new STSClient({region, maxAttempts: 1})`. */
  stsClient?: Pick<STSClient, 'send'>;
}

/** The job's token could not be fetched (core.getIDToken already retries): not an STS answer. */
class IdTokenError extends Error {
  override name = 'IdTokenError';
}

/**
 * Every AWS client's HTTP timeouts: an endpoint that accepts and never answers fails the request
 * (and the SDK's retry or ours decides) instead of holding the step until the job's timeout.
 * Without `throwOnRequestTimeout` this SDK only logs a warning when requestTimeout passes and
 * keeps waiting (seen here with @smithy/node-http-handler against a silent socket).
 */
export const AWS_REQUEST_TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 15_000, throwOnRequestTimeout: true };

export type AwsRequestTimeouts = typeof AWS_REQUEST_TIMEOUTS;

/** The STS client: one attempt per send, so our loop alone decides about retries. */
export function createStsClient(region: string): STSClient {
  return new STSClient({ region, maxAttempts: 1, requestHandler: awsRequestHandler('sts', region, AWS_REQUEST_TIMEOUTS) });
}

function checkDuration(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) {
    throw new Error('The role session duration must be a whole number of seconds from 900 to 43200');
  }
  return seconds;
}

export async function assumeRoleWithOidc(options: AssumeRoleOptions, deps: AwsDeps = {}): Promise<AssumeRoleResult> {
  const env = deps.env ?? process.env;
  const roleArn = parseRoleArn(options.roleArn);
  const region = parseRegion(options.region);
  const sessionName = options.sessionName ? parseSessionName(options.sessionName) : defaultSessionName(env);
  const durationSeconds = checkDuration(options.durationSeconds ?? DEFAULT_DURATION_SECONDS);
  const audience = options.audience || DEFAULT_AUDIENCE;
  requireIdTokenPermission(env);

  const setSecret = deps.setSecret ?? core.setSecret;
  const info = deps.info ?? core.info;
  const getIdToken = deps.getIdToken ?? ((audience: string) => fetchIdToken(audience, env));
  const sts = deps.stsClient ?? createStsClient(region);

  let token = '';
  const fetchToken = async () => {
    try {
      token = await getIdToken(audience);
    } catch (error) {
      // core's message spans several lines ("Error message: Failed to get ID Token.\n\n Error Code : 401…").
      const reason = String((error as Error).message).replace(/^Error message: /, '').replace(/\s+/g, ' ').trim();
      throw new IdTokenError(`Could not get the job's GitHub OIDC token (audience ${audience}): ${reason}`, { cause: error });
    }
    setSecret(token);
  };

  let attempts = 0;
  try {
    const response = await withStsRetries(
      async (attempt, freshToken) => {
        attempts = attempt;
        if (!token || freshToken) await fetchToken();
        return sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: sessionName,
            WebIdentityToken: token,
            DurationSeconds: durationSeconds,
          }),
        );
      },
      {
        sleep: deps.sleep,
        random: deps.random,
        classify: (error) => (error instanceof IdTokenError ? 'fail' : classifyStsError(error)),
        onRetry: ({ attempt, decision, error, delayMs }) =>
          info(
            `STS answered ${describeError(error)} (attempt ${attempt} of ${MAX_ATTEMPTS}); ` +
              `retrying in ${(delayMs / 1000).toFixed(1)}s${decision === 'fresh-token' ? ' with a fresh OIDC token' : ''}`,
          ),
      },
    );
    const issued = response.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken) {
      throw new Error(`STS answered AssumeRoleWithWebIdentity for ${roleArn} without credentials`);
    }
    // Masked before anything else is written, so no later line (ours, the SDK's, a tool's) shows them.
    setSecret(issued.AccessKeyId);
    setSecret(issued.SecretAccessKey);
    setSecret(issued.SessionToken);
    const credentials: AwsCredentials = {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      sessionToken: issued.SessionToken,
      expiration: issued.Expiration,
    };
    const identity: AssumedIdentity = {
      roleArn,
      assumedRoleArn: response.AssumedRoleUser?.Arn,
      assumedRoleId: response.AssumedRoleUser?.AssumedRoleId,
      subject: response.SubjectFromWebIdentityToken,
      audience: response.Audience,
      provider: response.Provider,
      sessionName,
    };
    info(
      `Assumed ${identity.assumedRoleArn ?? roleArn} for ${identity.subject ?? 'this job'}` +
        (credentials.expiration ? ` until ${credentials.expiration.toISOString()}` : ''),
    );
    if (options.exportEnv) exportCredentials(credentials, region, deps.exportVariable ?? core.exportVariable);
    return { credentials, identity, region, attempts };
  } catch (error) {
    if (error instanceof RetriesExhausted && error.lastError instanceof IdTokenError) throw error.lastError;
    if (error instanceof RetriesExhausted) throw new Error(explainFailure(roleArn, token, error), { cause: error });
    throw error;
  }
}

export function exportCredentials(credentials: AwsCredentials, region: string, exportVariable: (name: string, value: string) => void): void {
  exportVariable('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
  exportVariable('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
  exportVariable('AWS_SESSION_TOKEN', credentials.sessionToken);
  exportVariable('AWS_REGION', region);
  exportVariable('AWS_DEFAULT_REGION', region);
}

function describeError(error: unknown): string {
  const status = httpStatus(error);
  const message = ((error as Error)?.message ?? String(error)).replace(/^AWS SDK error wrapper for (Error: )?/, '');
  return `${errorCode(error)}${status ? ` (HTTP ${status})` : ''}: ${message}`;
}

const REFUSALS = new Set(['AccessDenied', 'IDPRejectedClaim', 'IDPRejectedClaimException']);

/** One message that lets the user fix the trust policy (or see it was transient) in one read. */
export function explainFailure(roleArn: string, token: string, failure: RetriesExhausted): string {
  const code = errorCode(failure.lastError);
  const tried = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
  const claims = token ? describeClaims(decodeTrustClaims(token)) : '';
  if (REFUSALS.has(code)) {
    return (
      `AWS refused to let this job assume ${roleArn}: ${describeError(failure.lastError)}. ` +
      `The role's trust policy was shown a GitHub OIDC token with ${claims}. ` +
      'Allow that sub (and aud) in the trust policy conditions, or use the role meant for this ' +
      'workflow, branch or environment (see docs/aws-oidc.md).'
    );
  }
  const hint = failure.decision === 'fresh-token' && claims ? ` The token had ${claims}.` : '';
  return `AssumeRoleWithWebIdentity for ${roleArn} failed${tried}: ${describeError(failure.lastError)}.${hint}`;
}
