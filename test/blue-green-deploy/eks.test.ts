/**
 * blue-green-deploy on EKS through GitHub OIDC: the job's token → local STS → credentials →
 * local EKS DescribeCluster (endpoint, CA) → a `k8s-aws-v1.` token that the Kubernetes emulator
 * (strict: TLS, tokens checked) accepts only after verifying it is a presigned GetCallerIdentity
 * URL for this cluster.
 */
import { verifyEksToken } from '../../actions/lib/aws/eks-token.js';
import { findLeaks } from '../../runner/index.js';
import { PRODUCTION_ROLE, startAwsWorld, type AwsWorld } from '../aws/fixtures/aws-world.js';
import { startEksServer, type EksServer } from '../servers/eks/server.js';
import { startStage, type Stage } from './fixture.js';

const CLUSTER = 'sunday-production';
let world: AwsWorld;
let eks: EksServer;
let stage: Stage;
const accepted: string[] = [];

beforeAll(async () => {
  world = await startAwsWorld();
  world.oidc.setClaims({ repository: 'sunday/app', environment: 'production' });
  const stsHost = new URL(world.sts.url).host;
  stage = await startStage({
    strict: true,
    tokenCheck: (token) =>
      verifyEksToken(token, CLUSTER, { allowedHosts: [stsHost] }).then(
        (identity) => (accepted.push(identity.arn), true),
        () => false,
      ),
  });
  eks = await startEksServer({
    lookup: (key) => world.sts.lookup(key),
    clusters: [{ name: CLUSTER, endpoint: stage.kube.url, caData: Buffer.from(stage.kube.caCert!).toString('base64') }],
  });
});
afterAll(async () => {
  await stage.stop();
  await eks.stop();
  await world.stop();
});

const eksInputs = { 'cluster-name': CLUSTER, 'aws-region': 'eu-west-1', 'role-to-assume': PRODUCTION_ROLE, kubeconfig: '' };

test('deploys with credentials from OIDC and a token made in-process; nothing secret is shown', async () => {
  const r = await stage.deploy({ ...eksInputs, image: 'sunday/web:v1', checks: '- url: /healthz' }, { env: { ...world.env, AWS_ENDPOINT_URL_EKS: eks.url } });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'true' });
  expect(await stage.serving()).toBe('v1');
  expect(eks.requests.some((q) => q.path === `/clusters/${CLUSTER}` && q.status === 200)).toBe(true);
  expect(accepted.at(-1)).toMatch(/^arn:aws:sts::123456789012:assumed-role\/sunday-deploy-production\/gha-1000001-1$/);
  expect(r.stdout).toContain(`EKS cluster ${CLUSTER}`);
  const secrets = [...world.oidc.issued, ...world.sts.issued.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken])];
  expect(findLeaks(r.stdout + r.stderr, secrets)).toEqual([]);
  for (const secret of secrets) expect(r.log).not.toContain(secret);
});

test('a job whose token the trust policy refuses fails before touching the cluster, naming the sub', async () => {
  world.oidc.setClaims({ environment: 'staging' });
  const before = stage.kube.requests.length;
  const r = await stage.deploy({ ...eksInputs, image: 'sunday/web:v2' }, { env: { ...world.env, AWS_ENDPOINT_URL_EKS: eks.url } });
  world.oidc.setClaims({ environment: 'production' });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]).toContain('repo:sunday/app:environment:staging');
  expect(stage.kube.requests.length).toBe(before);
  expect(await stage.serving()).toBe('v1');
});

test('without id-token: write the error says what to add', async () => {
  const r = await stage.deploy({ ...eksInputs, image: 'sunday/web:v2' }, { env: { AWS_ENDPOINT_URL_STS: world.sts.url, AWS_ENDPOINT_URL_EKS: eks.url } });
  expect(r.exitCode).toBe(1);
  expect(r.errors[0]).toContain('permissions: id-token: write');
});
