/** ECR login with the real @aws-sdk/client-ecr, signed with credentials from the local STS. */
import { jest } from '@jest/globals';
import { assumeRoleWithOidc } from '../../actions/lib/aws/credentials.js';
import { getEcrLogin } from '../../actions/lib/aws/ecr.js';
import { startEcrServer, type EcrServer } from '../servers/ecr/server.js';
import { startAwsWorld, MAIN_ROLE, type AwsWorld } from './fixtures/aws-world.js';

let world: AwsWorld;
let ecr: EcrServer;
const quiet = { setSecret: () => {}, info: () => {}, sleep: async () => {} };

beforeAll(async () => {
  world = await startAwsWorld();
  ecr = await startEcrServer({ lookup: world.sts.lookup, password: 'registry-password-for-tests' });
  Object.assign(process.env, world.env, { AWS_ENDPOINT_URL_ECR: ecr.url });
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  jest.restoreAllMocks();
  await ecr.stop();
  await world.stop();
});

test('GetAuthorizationToken gives AWS:<password> for the registry, the password masked first', async () => {
  const { credentials } = await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, quiet);
  const masked: string[] = [];
  const login = await getEcrLogin({ region: 'eu-west-1', credentials }, { setSecret: (value) => masked.push(value) });
  expect(login).toEqual({
    username: 'AWS',
    password: 'registry-password-for-tests',
    proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    expiresAt: expect.any(Date),
  });
  expect(masked).toEqual([Buffer.from('AWS:registry-password-for-tests').toString('base64'), 'registry-password-for-tests']);
  // The server checked the SigV4 signature: the request was made with the STS credentials.
  expect(ecr.requests.at(-1)).toEqual({ target: 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken', status: 200, accessKeyId: credentials.accessKeyId });
});

test('the proxy endpoint can be a local registry', async () => {
  const { credentials } = await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, quiet);
  ecr.proxyEndpoint = 'http://127.0.0.1:5000';
  try {
    expect((await getEcrLogin({ region: 'eu-west-1', credentials }, { setSecret: () => {} })).registry).toBe('127.0.0.1:5000');
  } finally {
    ecr.proxyEndpoint = '';
  }
});

test('credentials STS never issued are refused, as ECR does', async () => {
  const forged = { accessKeyId: 'ASIAFORGEDFORGEDFORG', secretAccessKey: 'x'.repeat(40), sessionToken: 'y' };
  await expect(getEcrLogin({ region: 'eu-west-1', credentials: forged }, { setSecret: () => {} })).rejects.toMatchObject({
    name: 'UnrecognizedClientException',
    $metadata: { httpStatusCode: 400 },
  });
});

test('a wrong secret fails the signature check', async () => {
  const { credentials } = await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, quiet);
  await expect(
    getEcrLogin({ region: 'eu-west-1', credentials: { ...credentials, secretAccessKey: 'wrong'.repeat(8) } }, { setSecret: () => {} }),
  ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
});
