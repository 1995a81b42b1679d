/**
 * The three inputs every Sunday action that reaches AWS shares (`role-to-assume`, `aws-region`,
 * `role-session-name`), parsed in one place. Light on purpose: it imports no AWS SDK and no
 * @actions/core, so an action validates these before it loads anything heavy; the SDK side lives
 * in ./credentials.ts, which callers import lazily.
 */
import { InputError, readString, type Env } from '../inputs.js';

export interface AwsInputs {
  roleArn: string;
  region: string;
  /** The override, or the default `gha-<run_id>-<run_attempt>` fitted to STS's rule. */
  sessionName: string;
}

/** `arn:aws:iam::123456789012:role/name`, in any partition (aws, aws-cn, aws-us-gov, …), with a path. */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** STS's rule for RoleSessionName. */
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** Region names such as us-east-1, eu-central-2, us-gov-west-1, cn-north-1. */
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;

export function parseRoleArn(value: string, input = 'role-to-assume'): string {
  if (!ROLE_ARN.test(value)) throw new InputError(input, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy');
  return value;
}

export function parseRegion(value: string, input = 'aws-region'): string {
  if (!REGION.test(value)) throw new InputError(input, 'must be an AWS region such as us-east-1');
  return value;
}

export function parseSessionName(value: string, input = 'role-session-name'): string {
  if (!SESSION_NAME.test(value)) throw new InputError(input, 'must be 2 to 64 characters of letters, digits and _+=,.@-');
  return value;
}

/** `gha-<run_id>-<run_attempt>`, any character STS refuses replaced by `-`, cut to 64. */
export function defaultSessionName(env: Env = process.env): string {
  const name = `gha-${env.GITHUB_RUN_ID || 'local'}-${env.GITHUB_RUN_ATTEMPT || '1'}`;
  return name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export interface ReadAwsOptions {
  /** When true, `role-to-assume` and `aws-region` must be given; the reason is added to the error. */
  required?: boolean;
  /** Why they are needed (e.g. "when cluster-name is set"), for the error message. */
  reason?: string;
}

/**
 * The AWS inputs, or undefined when the step gives none of them (AWS is optional in the actions
 * that use it). Giving any one of them makes `role-to-assume` and `aws-region` required.
 */
export function readAwsInputs(env: Env = process.env, options: ReadAwsOptions = {}): AwsInputs | undefined {
  const role = readString('role-to-assume', env);
  const region = readString('aws-region', env);
  const session = readString('role-session-name', env);
  if (!role && !region && !session && !options.required) return undefined;
  // Name what was given, so the error names the input the user set as well as the one missing.
  const given = [role && 'role-to-assume', region && 'aws-region', session && 'role-session-name'].filter(Boolean).join(' and ');
  const why = options.reason ? ` ${options.reason}` : ` to reach AWS (${given} ${given.includes(' and ') ? 'are' : 'is'} set)`;
  if (!role) throw new InputError('role-to-assume', `is required${why}`);
  if (!region) throw new InputError('aws-region', `is required${why}`);
  return {
    roleArn: parseRoleArn(role),
    region: parseRegion(region),
    sessionName: session ? parseSessionName(session) : defaultSessionName(env),
  };
}

/** What to add to a job whose steps get no OIDC token. */
export const ID_TOKEN_PERMISSION_HINT =
  'This job cannot request a GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set). ' +
  'Add `permissions: id-token: write` to the job (or the workflow) that runs this step; ' +
  'a reusable workflow needs it in the calling job too. Pull requests from forks never get one.';

/** Fails early, without loading anything, when the job has no `id-token: write` permission. */
export function requireIdTokenPermission(env: Env = process.env): void {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) throw new Error(ID_TOKEN_PERMISSION_HINT);
}
