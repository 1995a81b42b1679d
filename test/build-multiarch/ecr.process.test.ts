/**
 * ECR through GitHub OIDC, end to end through the bundle: the local OIDC issuer gives the job its
 * token, the local STS trusts it and issues credentials (the suite's AWS module, real AWS SDK via
 * AWS_ENDPOINT_URL_STS), the local ECR answers GetAuthorizationToken (AWS_ENDPOINT_URL_ECR) with a
 * token whose proxyEndpoint is the real docker-registry, which accepts `AWS:<password>` by htpasswd.
 * buildah then builds and pushes for real, and verify reads the list back with the same token.
 */
import { jest } from '@jest/globals';
import { runStep } from '../harness.js';
import { findLeaks } from '../../runner/index.js';
import { startOidcServer, type OidcServer } from '../servers/oidc/server.js';
import { startStsServer, type StsServer } from '../servers/sts/server.js';
import { startEcrServer, type EcrServer } from '../servers/ecr/server.js';
import { startRegistry, type Registry } from '../servers/registry/registry.js';
import { makeSandbox, type Sandbox } from './helpers.js';

jest.setTimeout(60_000);

const ROLE = 'arn:aws:iam::123456789012:role/sunday-image-push';
const ECR_PASSWORD = 'ecr-registry-password-never-shown-7f3a';

let oidc: OidcServer;
let sts: StsServer;
let ecr: EcrServer;
let registry: Registry;
let sandbox: Sandbox;

beforeAll(async () => {
  oidc = await startOidcServer();
  sts = await startStsServer({
    providers: [{ issuer: oidc.issuer, jwksUrl: oidc.jwksUrl, audiences: ['sts.amazonaws.com'] }],
    roles: [
      {
        arn: ROLE,
        federated: oidc.issuer,
        conditions: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:sunday/app:*' },
        },
      },
    ],
  });
  registry = await startRegistry({ users: { AWS: ECR_PASSWORD } });
  ecr = await startEcrServer({ lookup: sts.lookup, password: ECR_PASSWORD, proxyEndpoint: registry.url });
});
afterAll(async () => {
  await ecr?.stop();
  await registry?.stop();
  await sts?.stop();
  await oidc?.stop();
});
beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(() => sandbox.cleanup());

function step(inputs: Record<string, string>, env: Record<string, string> = oidc.env()) {
  return runStep('build-multiarch', {
    eventFixture: 'push-main',
    workspace: sandbox.workspace,
    env: { ...sandbox.buildahEnv, ...env, AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_ECR: ecr.url },
    inputs: { builder: 'buildah', 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', ...inputs },
  });
}

test('OIDC → STS → ECR token → login, real two-platform push, verify with the same token', async () => {
  const r = await step({ image: `${registry.host}/sunday/app` });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  // The ECR call was signed with the credentials the local STS issued to this job.
  expect(ecr.requests).toEqual([expect.objectContaining({ target: 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken', status: 200, accessKeyId: sts.issued.at(-1)!.accessKeyId })]);
  expect(sts.issued.at(-1)!.roleArn).toBe(ROLE);
  const verification = JSON.parse(r.outputs.metadata).verification;
  expect(verification.ok).toBe(true);
  expect(verification.images[0].found).toEqual(['linux/amd64', 'linux/arm64']);
  const list = await fetch(`${registry.url}/v2/sunday/app/manifests/main`, {
    headers: { Accept: 'application/vnd.oci.image.index.v1+json', Authorization: `Basic ${Buffer.from(`AWS:${ECR_PASSWORD}`).toString('base64')}` },
  });
  expect(list.headers.get('docker-content-digest')).toBe(r.outputs.digest);
  const issued = sts.issued.at(-1)!;
  const secrets = [ECR_PASSWORD, Buffer.from(`AWS:${ECR_PASSWORD}`).toString('base64'), issued.secretAccessKey, issued.sessionToken, ...oidc.issued];
  expect(findLeaks(r.stdout + r.stderr, secrets)).toEqual([]);
  for (const secret of secrets) expect(r.log).not.toContain(secret);
});

test('an image outside the registry ECR names is an error, before any build', async () => {
  const r = await step({ image: 'ghcr.io/sunday/app' });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([`role-to-assume gives credentials for the ECR registry ${registry.host}, but no image is in it (images: ghcr.io/sunday/app)`]);
  expect(r.log).not.toContain('STEP 1/');
});

test('a job without id-token: write gets the permission hint', async () => {
  const r = await step({ image: `${registry.host}/sunday/app` }, {});
  expect(r.exitCode).toBe(1);
  expect(r.errors[0]).toMatch(/^This job cannot request a GitHub OIDC token .*id-token: write/);
});
