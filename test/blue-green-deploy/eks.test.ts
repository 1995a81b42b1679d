/**
 * blue-green-deploy on EKS through GitHub OIDC, on both targets: the job's token → local STS →
 * credentials → local EKS DescribeCluster (endpoint, CA) → a `k8s-aws-v1.` token. The emulator
 * (strict: TLS, tokens checked) accepts it only after verifying it is a presigned GetCallerIdentity
 * URL for this cluster; the real API server asks our webhook authenticator, which verifies it with
 * STS and maps the role to the group the published Role is bound to (an EKS access entry).
 */
import { jest } from '@jest/globals';
import { verifyEksToken } from '../../actions/lib/aws/eks-token.js';
import { findLeaks } from '../../runner/index.js';
import { PRODUCTION_ROLE, startAwsWorld, type AwsWorld } from '../aws/fixtures/aws-world.js';
import { kubeTargets } from '../cluster/target.js';
import { startEksServer, type EksServer } from '../servers/eks/server.js';
import { startStage, type Stage } from './fixture.js';

jest.setTimeout(180_000);

const CLUSTER = 'sunday-production';

describe.each(kubeTargets())('on the %s', (kind) => {
  let world: AwsWorld;
  let eks: EksServer;
  let stage: Stage;
  const accepted: string[] = [];
  /** The identities the API server accepted EKS tokens for, oldest first. */
  const identities = async () => (kind === 'emulator' ? accepted : (await stage.target.tokenReviews()).filter((review) => review.authenticated).map((review) => review.username ?? ''));

  beforeAll(async () => {
    world = await startAwsWorld();
    world.oidc.setClaims({ repository: 'sunday/app', environment: 'production' });
    const stsHost = new URL(world.sts.url).host;
    const tokenCheck = (token: string) =>
      verifyEksToken(token, CLUSTER, { allowedHosts: [stsHost] }).then(
        (identity) => (accepted.push(identity.arn), true),
        () => false,
      );
    stage = await startStage(kind, { name: 'bg-eks', emulator: { tokenCheck } });
    if (kind === 'cluster') await stage.target.configureAuthenticator({ stsHost, accessEntries: [{ principalArn: PRODUCTION_ROLE, groups: ['sunday:deployers'] }] });
    eks = await startEksServer({
      lookup: (key) => world.sts.lookup(key),
      clusters: [{ name: CLUSTER, endpoint: stage.target.url, caData: Buffer.from(stage.target.caCert!).toString('base64') }],
    });
  });
  afterAll(async () => {
    await stage?.stop();
    await eks?.stop();
    await world?.stop();
  });

  const eksInputs = { 'cluster-name': CLUSTER, 'aws-region': 'eu-west-1', 'role-to-assume': PRODUCTION_ROLE, kubeconfig: '' };

  test('deploys with credentials from OIDC and a token made in-process; nothing secret is shown', async () => {
    const r = await stage.deploy({ ...eksInputs, image: 'sunday/web:v1', checks: '- url: /healthz' }, { env: { ...world.env, AWS_ENDPOINT_URL_EKS: eks.url } });
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'true' });
    expect(await stage.serving()).toBe('v1');
    expect(eks.requests.some((q) => q.path === `/clusters/${CLUSTER}` && q.status === 200)).toBe(true);
    expect((await identities()).at(-1)).toMatch(/^arn:aws:sts::123456789012:assumed-role\/sunday-deploy-production\/gha-1000001-1$/);
    expect(r.stdout).toContain(`EKS cluster ${CLUSTER}`);
    const secrets = [...world.oidc.issued, ...world.sts.issued.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken])];
    expect(findLeaks(r.stdout + r.stderr, secrets)).toEqual([]);
    for (const secret of secrets) expect(r.log).not.toContain(secret);
  });

  test('a job whose token the trust policy refuses fails before touching the cluster, naming the sub', async () => {
    world.oidc.setClaims({ environment: 'staging' });
    const before = (await stage.requests()).length;
    const r = await stage.deploy({ ...eksInputs, image: 'sunday/web:v2' }, { env: { ...world.env, AWS_ENDPOINT_URL_EKS: eks.url } });
    world.oidc.setClaims({ environment: 'production' });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain('repo:sunday/app:environment:staging');
    expect((await stage.requests()).length).toBe(before);
    expect(await stage.serving()).toBe('v1');
  });

  test('without id-token: write the error says what to add', async () => {
    const r = await stage.deploy({ ...eksInputs, image: 'sunday/web:v2' }, { env: { AWS_ENDPOINT_URL_STS: world.sts.url, AWS_ENDPOINT_URL_EKS: eks.url } });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toContain('permissions: id-token: write');
  });
});
