/**
 * EKS: DescribeCluster with the real @aws-sdk/client-eks, and the bearer token round trip — made
 * in-process as `aws eks get-token` does, checked by verifyEksToken through the local STS.
 */
import { assumeRoleWithOidc, type AwsCredentials } from '../../actions/lib/aws/credentials.js';
import { describeEksCluster, createEksToken, verifyEksToken, decodeEksToken } from '../../actions/lib/aws/eks.js';
import { encodeEksToken } from '../../actions/lib/aws/eks-token.js';
import { startEksServer, type EksServer } from '../servers/eks/server.js';
import { startAwsWorld, MAIN_ROLE, type AwsWorld } from './fixtures/aws-world.js';

let world: AwsWorld;
let eks: EksServer;
let credentials: AwsCredentials;
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
const local = () => ({ allowedHosts: [new URL(world.sts.url).host] });
const options = (clusterName = 'prod') => ({ region: 'eu-west-1', credentials, clusterName });
const deps = { setSecret: () => {} };

beforeAll(async () => {
  world = await startAwsWorld();
  eks = await startEksServer({ lookup: world.sts.lookup, clusters: [{ name: 'prod', endpoint: 'https://127.0.0.1:6443', caData: CA }] });
  Object.assign(process.env, world.env, { AWS_ENDPOINT_URL_EKS: eks.url });
  ({ credentials } = await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, { setSecret: () => {}, info: () => {}, getIdToken: (aud) => world.oidc.sign({ aud }) }));
});
afterAll(async () => {
  await eks.stop();
  await world.stop();
});

test('DescribeCluster gives the API endpoint and CA, signed with the STS credentials', async () => {
  expect(await describeEksCluster(options())).toEqual({
    name: 'prod',
    arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
    endpoint: 'https://127.0.0.1:6443',
    certificateAuthorityData: CA,
    status: 'ACTIVE',
    version: '1.32',
  });
  expect(eks.requests.at(-1)).toEqual({ method: 'GET', path: '/clusters/prod', status: 200, accessKeyId: credentials.accessKeyId });
});

test('an unknown cluster is named in the error', async () => {
  await expect(describeEksCluster(options('staging'))).rejects.toThrow('EKS has no cluster named staging in eu-west-1 (ResourceNotFoundException)');
});

test('the token is what aws eks get-token prints, masked, and verifies for its cluster only', async () => {
  const masked: string[] = [];
  const { token, expiresAt } = await createEksToken(options(), { setSecret: (value) => masked.push(value) });
  expect(masked).toEqual([token]);
  expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
  expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
  const url = decodeEksToken(token);
  expect(`${url.protocol}//${url.host}`).toBe(world.sts.url);
  expect(Object.fromEntries(url.searchParams)).toMatchObject({
    Action: 'GetCallerIdentity',
    Version: '2011-06-15',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': expect.stringMatching(new RegExp(`^${credentials.accessKeyId}/\\d{8}/eu-west-1/sts/aws4_request$`)),
    'X-Amz-Expires': '60',
    'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
    'X-Amz-Security-Token': credentials.sessionToken,
  });

  expect(await verifyEksToken(token, 'prod', local())).toEqual({
    arn: 'arn:aws:sts::123456789012:assumed-role/sunday-ci-main/gha-local-1',
    account: '123456789012',
    userId: expect.stringMatching(/^AROA[A-Z2-7]{17}:gha-local-1$/),
  });
  await expect(verifyEksToken(token, 'staging', local())).rejects.toThrow('EKS token rejected: STS answered 403 SignatureDoesNotMatch');
});

test('tokens EKS would refuse are refused', async () => {
  const { token } = await createEksToken(options(), deps);
  // Only STS hosts: a token pointing elsewhere could make the cluster call anyone.
  await expect(verifyEksToken(token, 'prod')).rejects.toThrow(`EKS token rejected: ${new URL(world.sts.url).host} is not an STS endpoint`);
  await expect(verifyEksToken(token, 'prod', { ...local(), now: Date.now() + 61_000 })).rejects.toThrow('it has expired');
  await expect(verifyEksToken(`${token}=`, 'prod', local())).rejects.toThrow('base64url without padding');
  await expect(verifyEksToken('Bearer abc', 'prod', local())).rejects.toThrow('does not start with k8s-aws-v1.');
  const url = decodeEksToken(token);
  url.searchParams.set('Action', 'AssumeRole');
  await expect(verifyEksToken(encodeEksToken(url.toString()), 'prod', local())).rejects.toThrow('Action must be GetCallerIdentity');
  const other = decodeEksToken(token);
  other.searchParams.set('X-Amz-Signature', '0'.repeat(64));
  await expect(verifyEksToken(encodeEksToken(other.toString()), 'prod', local())).rejects.toThrow('STS answered 403 SignatureDoesNotMatch');
});
