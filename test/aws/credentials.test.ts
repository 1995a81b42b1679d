/**
 * assumeRoleWithOidc with the real @actions/core getIDToken and the real @aws-sdk/client-sts
 * against the local OIDC issuer and STS.
 */
import { jest } from '@jest/globals';
import * as core from '@actions/core';
import { assumeRoleWithOidc, type AwsDeps } from '../../actions/lib/aws/credentials.js';
import type { StsFault } from '../servers/sts/server.js';
import { startAwsWorld, MAIN_ROLE, PRODUCTION_ROLE, type AwsWorld } from './fixtures/aws-world.js';

let world: AwsWorld;
/** What the module wrote, in order: `mask <value>`, `info <line>`, `export <name>`. */
let events: string[];
let waits: number[];
let tokenFetches: number;
let firstRequest: number;

function deps(extra: Partial<AwsDeps> = {}): AwsDeps {
  return {
    env: { ...world.env, GITHUB_RUN_ID: '5550001', GITHUB_RUN_ATTEMPT: '2' },
    getIdToken: (audience) => {
      tokenFetches++;
      return core.getIDToken(audience);
    },
    setSecret: (value) => events.push(`mask ${value}`),
    info: (line) => events.push(`info ${line}`),
    exportVariable: (name) => events.push(`export ${name}`),
    sleep: async (ms) => void waits.push(ms),
    random: () => 1,
    ...extra,
  };
}

const stsCalls = () => world.sts.requests.slice(firstRequest);
const tokensSent = () => stsCalls().map((r) => r.params.WebIdentityToken);

beforeAll(async () => {
  world = await startAwsWorld();
  // core.getIDToken and the SDK read these from process.env, as in a real job.
  Object.assign(process.env, world.env);
});
afterAll(() => world.stop());
beforeEach(() => {
  events = [];
  waits = [];
  tokenFetches = 0;
  firstRequest = world.sts.requests.length;
  world.oidc.setClaims({ event_name: 'push', ref: 'refs/heads/main', environment: undefined, sub: undefined });
  // getIDToken writes ::debug:: and ::add-mask:: lines; keep them out of the test output.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

describe('assumeRoleWithOidc', () => {
  test('exchanges the job token for credentials, masking everything before any other line', async () => {
    const result = await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, deps());
    const issued = world.sts.issued.at(-1)!;
    expect(result.credentials).toEqual({
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      expiration: issued.expiration,
    });
    expect(result.identity).toEqual({
      roleArn: MAIN_ROLE,
      assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/sunday-ci-main/gha-5550001-2',
      assumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:gha-5550001-2$/),
      subject: 'repo:sunday/app:ref:refs/heads/main',
      audience: 'sts.amazonaws.com',
      provider: 'https://token.actions.githubusercontent.com',
      sessionName: 'gha-5550001-2',
    });
    expect(result.attempts).toBe(1);
    expect(world.oidc.requests.at(-1)).toMatchObject({ audience: 'sts.amazonaws.com', status: 200 });
    expect(stsCalls()).toHaveLength(1);
    expect(stsCalls()[0].params).toMatchObject({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', DurationSeconds: '3600', RoleSessionName: 'gha-5550001-2' });
    const jwt = world.oidc.issued.at(-1)!;
    expect(events.slice(0, 4)).toEqual([`mask ${jwt}`, `mask ${issued.accessKeyId}`, `mask ${issued.secretAccessKey}`, `mask ${issued.sessionToken}`]);
    expect(events[4]).toMatch(/^info Assumed arn:aws:sts::123456789012:assumed-role\/sunday-ci-main\/gha-5550001-2 for repo:sunday\/app:ref:refs\/heads\/main until /);
    expect(events.filter((e) => e.startsWith('export'))).toEqual([]);
  });

  test('exports the credentials and region for later steps only when asked', async () => {
    await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1', exportEnv: true }, deps());
    expect(events.filter((e) => e.startsWith('export'))).toEqual(
      ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION'].map((name) => `export ${name}`),
    );
  });

  test('an environment job gets the production role with its session name, duration and audience', async () => {
    world.oidc.setClaims({ environment: 'production' });
    const result = await assumeRoleWithOidc(
      { roleArn: PRODUCTION_ROLE, region: 'us-east-1', sessionName: 'deploy@app', durationSeconds: 7200 },
      deps(),
    );
    expect(result.identity.subject).toBe('repo:sunday/app:environment:production');
    expect(stsCalls()[0].params).toMatchObject({ RoleSessionName: 'deploy@app', DurationSeconds: '7200' });
  });

  test('a job without id-token: write is told exactly what to add, before any call', async () => {
    const { ACTIONS_ID_TOKEN_REQUEST_URL: _url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: _token, ...env } = world.env;
    await expect(assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, deps({ env }))).rejects.toThrow(
      /\(ACTIONS_ID_TOKEN_REQUEST_URL is not set\)\. Add `permissions: id-token: write` to the job/,
    );
    expect(tokenFetches).toBe(0);
    expect(stsCalls()).toEqual([]);
  });

  test('a token request the runner refuses fails at once, without calling STS', async () => {
    world.oidc.failNext(401);
    await expect(assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, deps())).rejects.toThrow(
      "Could not get the job's GitHub OIDC token (audience sts.amazonaws.com): Failed to get ID Token. Error Code : 401 Error Message: injected fault",
    );
    expect(tokenFetches).toBe(1);
    expect(stsCalls()).toEqual([]);
  });

  test('a sub the trust policy refuses: one attempt, and the error names the role and the claims', async () => {
    world.oidc.setClaims({ event_name: 'pull_request', ref: 'refs/pull/7/merge', environment: 'staging' });
    const error = await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, deps()).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `AWS refused to let this job assume ${MAIN_ROLE}: AccessDenied (HTTP 403): Not authorized to perform sts:AssumeRoleWithWebIdentity. ` +
        "The role's trust policy was shown a GitHub OIDC token with sub=repo:sunday/app:environment:staging, aud=sts.amazonaws.com, " +
        'job_workflow_ref=sunday/actions/.github/workflows/cd.yml@refs/tags/v1, environment=staging. ' +
        'Allow that sub (and aud) in the trust policy conditions, or use the role meant for this workflow, branch or environment (see docs/aws-oidc.md).',
    );
    expect(stsCalls()).toHaveLength(1);
    expect(waits).toEqual([]);
    expect((error as Error).message).not.toContain(world.oidc.issued.at(-1)!);
  });

  test('a pull_request sub is named as GitHub writes it', async () => {
    world.oidc.setClaims({ event_name: 'pull_request', ref: 'refs/pull/7/merge' });
    await expect(assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, deps())).rejects.toThrow('sub=repo:sunday/app:pull_request, aud=sts.amazonaws.com');
  });
});

type Case = [name: string, arrange: () => void, attempts: number, tokens: number, outcome: 'ok' | RegExp];

const inject = (fault: StsFault, times = 1) => () => world.sts.inject(fault, times);

describe('the retry table, with the exact number of STS calls', () => {
  test.each<Case>([
    ['Throttling is retried after a backoff', inject({ code: 'Throttling', status: 400, message: 'Rate exceeded' }), 2, 1, 'ok'],
    ['IDPCommunicationError is retried after a backoff', inject({ code: 'IDPCommunicationError', status: 400 }, 2), 3, 1, 'ok'],
    ['a 500 is retried', inject({ code: 'InternalFailure', status: 500 }, 3), 4, 1, 'ok'],
    ['a reset connection is retried', inject({ network: 'reset' }), 2, 1, 'ok'],
    ['a 503 four times gives up after 4 attempts', inject({ code: 'ServiceUnavailable', status: 503, message: 'Service unavailable' }, 4), 4, 1,
      /^AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role\/sunday-ci-main failed after 4 attempts: ServiceUnavailable \(HTTP 503\): Service unavailable\.$/],
    ['InvalidIdentityToken fetches a fresh token', () => world.sts.refuseNextToken(), 2, 2, 'ok'],
    ['ExpiredTokenException fetches a fresh token', () => world.sts.expireNextToken(), 2, 2, 'ok'],
    ['IDPRejectedClaim is never retried', inject({ code: 'IDPRejectedClaim', status: 403, message: 'Claim rejected' }), 1, 1,
      /^AWS refused to let this job assume .*: IDPRejectedClaimException \(HTTP 403\): Claim rejected\. .*sub=repo:sunday\/app:ref:refs\/heads\/main/],
    ['MalformedPolicyDocument is never retried', inject({ code: 'MalformedPolicyDocument', status: 400 }), 1, 1, /failed: MalformedPolicyDocumentException \(HTTP 400\)/],
    ['RegionDisabledException is never retried', inject({ code: 'RegionDisabledException', status: 403, message: 'STS is not activated in this region' }), 1, 1,
      /failed: RegionDisabledException \(HTTP 403\): STS is not activated in this region\.$/],
    ['ValidationError is never retried', inject({ code: 'ValidationError', status: 400, message: '1 validation error detected' }), 1, 1, /failed: ValidationError \(HTTP 400\)/],
  ])('%s', async (_name, arrange, attempts, tokens, outcome) => {
    arrange();
    const run = assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, deps());
    if (outcome === 'ok') expect((await run).attempts).toBe(attempts);
    else await expect(run).rejects.toThrow(outcome);
    expect(stsCalls()).toHaveLength(attempts);
    expect(tokenFetches).toBe(tokens);
    expect(new Set(tokensSent()).size).toBe(tokens);
    // Full jitter with random() = 1 waits the whole ceiling: 0.5 s, 1 s, 2 s.
    expect(waits).toEqual([500, 1000, 2000].slice(0, attempts - 1));
  });

  test('a token STS keeps refusing (wrong audience) is replaced each time, then the error shows its claims', async () => {
    const run = assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1', audience: 'api://wrong' }, deps());
    await expect(run).rejects.toThrow(
      /failed after 4 attempts: InvalidIdentityTokenException \(HTTP 400\): Incorrect token audience\. The token had sub=repo:sunday\/app:ref:refs\/heads\/main, aud=api:\/\/wrong/,
    );
    expect(tokenFetches).toBe(4);
    expect(new Set(tokensSent()).size).toBe(4);
    expect(world.oidc.requests.slice(-4).map((r) => r.audience)).toEqual(Array(4).fill('api://wrong'));
  });

  test('a real ValidationError from STS (duration above the role maximum) is not retried', async () => {
    await expect(assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1', durationSeconds: 7200 }, deps())).rejects.toThrow(
      'failed: ValidationError (HTTP 400): The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    expect(stsCalls()).toHaveLength(1);
  });

  test('an STS that is not there: network errors, 4 attempts', async () => {
    const refused = { ...world.env, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' };
    const saved = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = refused.AWS_ENDPOINT_URL_STS;
    try {
      await expect(assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, deps())).rejects.toThrow(/failed after 4 attempts: .*ECONNREFUSED/);
    } finally {
      process.env.AWS_ENDPOINT_URL_STS = saved;
    }
    expect(waits).toHaveLength(3);
  });

  test('a retry is logged after the token is masked, and says why', async () => {
    world.sts.refuseNextToken('Token signature could not be verified');
    await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, deps());
    const firstInfo = events.findIndex((e) => e.startsWith('info'));
    expect(events.slice(0, firstInfo)).toEqual([`mask ${world.oidc.issued.at(-2)}`]);
    expect(events[firstInfo]).toBe(
      'info STS answered InvalidIdentityTokenException (HTTP 400): Token signature could not be verified (attempt 1 of 4); retrying in 0.5s with a fresh OIDC token',
    );
  });
});

describe('options are checked before any call', () => {
  test.each([
    [{ roleArn: 'arn:aws:iam::12345:role/x', region: 'eu-west-1' }, "Input 'role-to-assume' must be an IAM role ARN"],
    [{ roleArn: MAIN_ROLE, region: 'Europe' }, "Input 'aws-region' must be an AWS region"],
    [{ roleArn: MAIN_ROLE, region: 'eu-west-1', sessionName: 'a b' }, "Input 'role-session-name' must be 2 to 64 characters"],
    [{ roleArn: MAIN_ROLE, region: 'eu-west-1', durationSeconds: 60 }, 'The role session duration must be a whole number of seconds from 900 to 43200'],
  ])('%o', async (options, message) => {
    await expect(assumeRoleWithOidc(options, deps())).rejects.toThrow(message);
    expect(tokenFetches).toBe(0);
    expect(stsCalls()).toEqual([]);
  });
});
