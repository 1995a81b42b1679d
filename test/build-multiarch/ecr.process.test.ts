/**
 * ECR through GitHub OIDC, end to end through the bundle: the local OIDC issuer gives the job its
 * token, the local STS trusts it and issues credentials (the suite's AWS module, real AWS SDK via
 * AWS_ENDPOINT_URL_STS), the local ECR answers GetAuthorizationToken (AWS_ENDPOINT_URL_ECR) with a
 * token whose proxyEndpoint is the real docker-registry, which accepts `AWS:<password>` by htpasswd.
 * buildah then builds and pushes for real, and verify reads the list back with the same token.
 */
import { execFileSync } from 'node:child_process';
import { jest } from '@jest/globals';
import { runStep } from '../harness.js';
import { findLeaks } from '../../runner/index.js';
import { startOidcServer, type OidcServer } from '../servers/oidc/server.js';
import { startStsServer, type StsServer } from '../servers/sts/server.js';
import { startEcrServer, type EcrRepository, type EcrServer } from '../servers/ecr/server.js';
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
/** The ECR repositories' settings, changed by each test (the server reads them per request). */
const repositories: Record<string, EcrRepository> = {};

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
  ecr = await startEcrServer({ lookup: sts.lookup, password: ECR_PASSWORD, proxyEndpoint: registry.url, repositories });
});
afterAll(async () => {
  await ecr?.stop();
  await registry?.stop();
  await sts?.stop();
  await oidc?.stop();
});
beforeEach(() => {
  sandbox = makeSandbox();
  for (const name of Object.keys(repositories)) delete repositories[name];
  repositories['sunday/app'] = { imageTagMutability: 'MUTABLE' };
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
  // The ECR calls were signed with the credentials the local STS issued to this job.
  expect(ecr.requests).toEqual([
    expect.objectContaining({ target: 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken', status: 200, accessKeyId: sts.issued.at(-1)!.accessKeyId }),
    expect.objectContaining({ target: 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories', status: 200, accessKeyId: sts.issued.at(-1)!.accessKeyId }),
  ]);
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

const basic = { Authorization: `Basic ${Buffer.from(`AWS:${ECR_PASSWORD}`).toString('base64')}` };
const tagExists = async (tag: string) => (await fetch(`${registry.url}/v2/sunday/app/manifests/${tag}`, { method: 'HEAD', headers: { ...basic, Accept: 'application/vnd.oci.image.index.v1+json' } })).status === 200;

describe('immutable ECR repositories', () => {
  test('IMMUTABLE: the moving branch tag is skipped with a notice, the commit tag is pushed and verified', async () => {
    repositories['sunday/app'] = { imageTagMutability: 'IMMUTABLE' };
    const image = `${registry.host}/sunday/app`;
    const before = await tagExists('main');
    const r = await step({ image });
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.annotations.filter((a) => a.level === 'notice').map((a) => a.message)).toContain(
      `Not pushing main to ${image}: its tags are IMMUTABLE, and these tags move from image to image. Pushing sha-6113728.`,
    );
    expect(r.outputs.tags).toBe(`${image}:sha-6113728`);
    expect(JSON.parse(r.outputs.metadata).verification.ok).toBe(true);
    expect(await tagExists('sha-6113728')).toBe(true);
    // `main` was not (re)written by this run.
    expect(await tagExists('main')).toBe(before);
  });

  test('IMMUTABLE_WITH_EXCLUSION: a moving tag an exclusion filter matches is pushed', async () => {
    repositories['sunday/app'] = { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['ma*'] };
    const r = await step({ image: `${registry.host}/sunday/app` });
    expect(r.errors).toEqual([]);
    expect(r.outputs.tags.split('\n')).toEqual([`${registry.host}/sunday/app:main`, `${registry.host}/sunday/app:sha-6113728`]);
    expect(r.annotations.filter((a) => a.message.startsWith('Not pushing'))).toEqual([]);
  });

  test('a repository ECR does not know: one error naming it, nothing built', async () => {
    const r = await step({ image: `${registry.host}/sunday/missing` });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([expect.stringContaining('ECR has no repository sunday/missing in eu-west-1 (RepositoryNotFoundException)')]);
  });
});

test('a hotfix release among newer git tags: 1.2.3 and 1.2 move, 1 and latest stay where they are', async () => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: sandbox.workspace, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'release');
  for (const tag of ['v1.2.2', 'v1.3.0', 'v2.0.0', 'v1.2.3']) git('tag', tag);
  const r = await runStep('build-multiarch', {
    eventFixture: 'push-tag-v1.2.3',
    workspace: sandbox.workspace,
    env: { ...sandbox.buildahEnv, ...oidc.env(), AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_ECR: ecr.url },
    inputs: { builder: 'buildah', 'role-to-assume': ROLE, 'aws-region': 'eu-west-1', image: `${registry.host}/sunday/app` },
  });
  expect(r.errors).toEqual([]);
  expect(r.outputs.tags.split('\n')).toEqual([`${registry.host}/sunday/app:1.2.3`, `${registry.host}/sunday/app:1.2`]);
  expect(r.log).toContain('release tag v1.2.3 (1 stays on 1.3.0, latest stays on 2.0.0)');
});
