/**
 * The webhook token authenticator as kube-apiserver calls it: a TokenReview POST with a
 * `k8s-aws-v1.` token made as `aws eks get-token` makes it, verified through the local STS, mapped
 * to a user and groups as an EKS access entry maps the role.
 */
import { assumeRoleWithOidc } from '../../actions/lib/aws/credentials.js';
import { createEksToken } from '../../actions/lib/aws/eks.js';
import { startAwsWorld, MAIN_ROLE, PRODUCTION_ROLE, type AwsWorld } from '../aws/fixtures/aws-world.js';
import { mapToUser, principalOf, startWebhookAuthenticator, webhookConfigFile, type WebhookAuthenticator } from './webhook-authenticator.js';

let world: AwsWorld;
let authenticator: WebhookAuthenticator;

beforeAll(async () => {
  world = await startAwsWorld();
  Object.assign(process.env, world.env);
  authenticator = await startWebhookAuthenticator({
    clusterName: 'sunday-production',
    stsHost: new URL(world.sts.url).host,
    accessEntries: [{ principalArn: PRODUCTION_ROLE, groups: ['sunday:deployers'] }],
  });
});
afterAll(async () => {
  await authenticator.stop();
  await world.stop();
});

async function tokenFor(roleArn: string, claims: Record<string, string>, clusterName = 'sunday-production'): Promise<string> {
  world.oidc.setClaims(claims);
  const { credentials } = await assumeRoleWithOidc({ roleArn, region: 'eu-west-1' }, { setSecret: () => {}, info: () => {}, getIdToken: (aud) => world.oidc.sign({ aud }) });
  return (await createEksToken({ region: 'eu-west-1', credentials, clusterName }, { setSecret: () => {} })).token;
}

async function review(token: string): Promise<{ status: number; body: { kind: string; status: { authenticated: boolean; user?: Record<string, unknown>; error?: string } } }> {
  const response = await fetch(authenticator.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['https://kubernetes.default.svc.cluster.local'] } }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

test('a token of a mapped role is a user with the access entry groups, named as EKS names it', async () => {
  const token = await tokenFor(PRODUCTION_ROLE, { repository: 'sunday/app', environment: 'production' });
  const { status, body } = await review(token);
  expect(status).toBe(200);
  expect(body.kind).toBe('TokenReview');
  expect(body.status).toEqual({
    authenticated: true,
    user: {
      username: expect.stringMatching(/^arn:aws:sts::123456789012:assumed-role\/sunday-deploy-production\/.+$/),
      uid: expect.stringMatching(/^aws-iam-authenticator:123456789012:AROA/),
      groups: ['sunday:deployers'],
      extra: expect.objectContaining({ canonicalArn: [PRODUCTION_ROLE] }),
    },
  });
  expect(JSON.stringify(authenticator.reviews)).not.toContain(token);
});

test('refused: a role without an access entry, a token for another cluster, not an EKS token, no STS', async () => {
  const other = await tokenFor(PRODUCTION_ROLE, { repository: 'sunday/app', environment: 'production' });
  const entries = authenticator.options.accessEntries;
  authenticator.configure({ accessEntries: [{ principalArn: MAIN_ROLE, groups: ['sunday:ci'] }] });
  expect((await review(other)).body.status).toEqual({ authenticated: false, error: `no access entry for ${PRODUCTION_ROLE}` });
  authenticator.configure({ accessEntries: entries });
  const elsewhere = await tokenFor(PRODUCTION_ROLE, { repository: 'sunday/app', environment: 'production' }, 'staging');
  expect((await review(elsewhere)).body.status).toMatchObject({ authenticated: false, error: expect.stringContaining('STS answered 403') });
  expect((await review('plain-token')).body.status).toMatchObject({ authenticated: false, error: expect.stringContaining('k8s-aws-v1.') });
  authenticator.configure({ stsHost: undefined });
  expect((await review(other)).body.status).toEqual({ authenticated: false, error: 'no STS is configured' });
  authenticator.configure({ stsHost: new URL(world.sts.url).host });
});

test('role ARNs as access entries read them; the config file is what --authentication-token-webhook-config-file takes', () => {
  expect(principalOf('arn:aws:sts::123456789012:assumed-role/team/deploy/gha-1')).toEqual({ principalArn: 'arn:aws:iam::123456789012:role/team/deploy', sessionName: 'gha-1' });
  const identity = { arn: 'arn:aws:sts::123456789012:assumed-role/r/s', account: '123456789012', userId: 'AROAX:s' };
  expect(mapToUser(identity, [{ principalArn: 'arn:aws:iam::123456789012:role/r', username: 'deployer:{{SessionName}}', groups: ['g'] }])).toMatchObject({ username: 'deployer:s', groups: ['g'] });
  expect(mapToUser(identity, [])).toBeUndefined();
  expect(JSON.parse(webhookConfigFile('http://127.0.0.1:1/authenticate'))).toMatchObject({ clusters: [{ cluster: { server: 'http://127.0.0.1:1/authenticate' } }], 'current-context': 'webhook' });
});
