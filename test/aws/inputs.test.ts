import { readAwsInputs, defaultSessionName, requireIdTokenPermission } from '../../actions/lib/aws/inputs.js';
import { decodeTrustClaims, describeClaims } from '../../actions/lib/aws/claims.js';
import { classifyStsError, withStsRetries, RetriesExhausted } from '../../actions/lib/aws/retry.js';

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const inputs = (values: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(values).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
  GITHUB_RUN_ID: '987',
  GITHUB_RUN_ATTEMPT: '3',
  ...extra,
});

describe('readAwsInputs: role-to-assume, aws-region, role-session-name', () => {
  test('none given: AWS is not used', () => expect(readAwsInputs(inputs({}))).toBeUndefined());

  test('role and region, default session name', () => {
    expect(readAwsInputs(inputs({ 'role-to-assume': ROLE, 'aws-region': 'eu-central-1' }))).toEqual({
      roleArn: ROLE,
      region: 'eu-central-1',
      sessionName: 'gha-987-3',
    });
  });

  test.each([
    ['arn:aws-us-gov:iam::123456789012:role/path/to/deploy', 'us-gov-west-1'],
    ['arn:aws-cn:iam::123456789012:role/deploy+ci=1,a.b@c-d', 'cn-north-1'],
  ])('accepts %s in %s', (role, region) => expect(readAwsInputs(inputs({ 'role-to-assume': role, 'aws-region': region }))?.roleArn).toBe(role));

  test.each<[Record<string, string>, string]>([
    [{ 'aws-region': 'eu-west-1' }, "Input 'role-to-assume' is required to reach AWS (aws-region is set)"],
    [{ 'role-to-assume': ROLE }, "Input 'aws-region' is required to reach AWS (role-to-assume is set)"],
    [{ 'role-session-name': 'x1' }, "Input 'role-to-assume' is required to reach AWS (role-session-name is set)"],
    [{ 'role-to-assume': 'deploy', 'aws-region': 'eu-west-1' }, "Input 'role-to-assume' must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy"],
    [{ 'role-to-assume': 'arn:aws:iam::123456789012:user/bob', 'aws-region': 'eu-west-1' }, "Input 'role-to-assume' must be an IAM role ARN"],
    [{ 'role-to-assume': 'arn:aws:iam::1234567890:role/x', 'aws-region': 'eu-west-1' }, "Input 'role-to-assume' must be an IAM role ARN"],
    [{ 'role-to-assume': ROLE, 'aws-region': 'EU-WEST-1' }, "Input 'aws-region' must be an AWS region such as us-east-1"],
    [{ 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', 'role-session-name': 'x' }, "Input 'role-session-name' must be 2 to 64 characters of letters, digits and _+=,.@-"],
    [{ 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', 'role-session-name': 'a/b' }, "Input 'role-session-name' must be 2 to 64"],
    [{ 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', 'role-session-name': 'a'.repeat(65) }, "Input 'role-session-name' must be 2 to 64"],
  ])('%o → %s', (values, message) => expect(() => readAwsInputs(inputs(values))).toThrow(message));

  test('required by the caller, with its reason', () => {
    expect(() => readAwsInputs(inputs({}), { required: true, reason: 'when cluster-name is set' })).toThrow(
      "Input 'role-to-assume' is required when cluster-name is set",
    );
  });

  test('the default session name is fitted to STS: disallowed characters replaced, 64 at most', () => {
    expect(defaultSessionName({ GITHUB_RUN_ID: '1', GITHUB_RUN_ATTEMPT: '1' })).toBe('gha-1-1');
    expect(defaultSessionName({})).toBe('gha-local-1');
    expect(defaultSessionName({ GITHUB_RUN_ID: 'a b/c', GITHUB_RUN_ATTEMPT: '2' })).toBe('gha-a-b-c-2');
    expect(defaultSessionName({ GITHUB_RUN_ID: '9'.repeat(80), GITHUB_RUN_ATTEMPT: '1' })).toHaveLength(64);
  });

  test('a job without id-token: write fails before anything is loaded', () => {
    expect(() => requireIdTokenPermission({})).toThrow('Add `permissions: id-token: write` to the job');
    expect(() => requireIdTokenPermission({ ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x?a=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' })).not.toThrow();
  });
});

describe('trust claims for error messages', () => {
  const jwt = (payload: unknown) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

  test('reads sub, aud, job_workflow_ref, environment and nothing else', () => {
    const claims = decodeTrustClaims(jwt({ sub: 'repo:o/r:pull_request', aud: ['a', 'b'], job_workflow_ref: 'o/r/.github/workflows/x.yml@refs/heads/main', actor: 'x' }));
    expect(claims).toEqual({ sub: 'repo:o/r:pull_request', aud: 'a,b', job_workflow_ref: 'o/r/.github/workflows/x.yml@refs/heads/main' });
    expect(describeClaims(claims)).toBe('sub=repo:o/r:pull_request, aud=a,b, job_workflow_ref=o/r/.github/workflows/x.yml@refs/heads/main');
  });

  test('an unreadable token gives no claims', () => {
    expect(decodeTrustClaims('not-a-jwt')).toEqual({});
    expect(decodeTrustClaims('a.!!!.c')).toEqual({});
    expect(describeClaims({})).toBe('no readable claims');
  });
});

describe('classification of what the SDK throws', () => {
  const sdkError = (name: string, status?: number, code?: string) => Object.assign(new Error(name), { name, code, $metadata: { httpStatusCode: status } });

  test.each([
    [sdkError('AccessDenied', 403), 'fail'],
    [sdkError('PackedPolicyTooLargeException', 400), 'fail'],
    [sdkError('InvalidIdentityTokenException', 400), 'fresh-token'],
    [sdkError('ExpiredTokenException', 400), 'fresh-token'],
    [sdkError('IDPCommunicationErrorException', 400), 'backoff'],
    [sdkError('Throttling', 400), 'backoff'],
    [sdkError('SomethingNew', 502), 'backoff'],
    [sdkError('TimeoutError', undefined, 'ECONNRESET'), 'backoff'],
    [new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'), 'backoff'],
    [new Error('something else'), 'fail'],
  ])('%s → %s', (error, decision) => expect(classifyStsError(error)).toBe(decision));

  test('never more than 4 attempts, whatever the caller asks', async () => {
    let calls = 0;
    const failure = await withStsRetries(
      async () => {
        calls++;
        throw sdkError('Throttling', 400);
      },
      { maxAttempts: 10, sleep: async () => {} },
    ).catch((e: RetriesExhausted) => e);
    expect(calls).toBe(4);
    expect(failure).toBeInstanceOf(RetriesExhausted);
    expect((failure as RetriesExhausted).attempts).toBe(4);
  });
});
