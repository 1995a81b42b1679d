/**
 * The committed bundle with builder buildx. PLAINLY: Debian has no buildx plugin, so the `docker`
 * these tests put first on PATH is a RECORDING STAND-IN (helpers.ts, recordingDocker): it records
 * each call's arguments and writes the `--metadata-file` buildx writes; it builds and pushes
 * nothing. What is tested is the command the action runs and what it makes of buildx's answer —
 * not BuildKit. Pushes are therefore not verified here (`verify: false`); verification against a
 * real registry is in buildah.process.test.ts.
 */
import { jest } from '@jest/globals';
import { runStep, type EventFixture } from '../harness.js';
import { findLeaks } from '../../runner/index.js';
import { makeSandbox, recordingDocker, type RecordingDocker, type Sandbox } from './helpers.js';

jest.setTimeout(30_000);

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/sunday/api';
const PASSWORD = 'hub-Pa55word-never-shown';
const SECRET = 'github-token-never-shown-42';

let sandbox: Sandbox;
let docker: RecordingDocker;
beforeEach(() => {
  sandbox = makeSandbox();
  docker = recordingDocker(sandbox.dir);
});
afterEach(() => sandbox.cleanup());

function step(eventFixture: EventFixture, inputs: Record<string, string> = {}) {
  return runStep('build-multiarch', {
    eventFixture,
    workspace: sandbox.workspace,
    path: [docker.binDir],
    inputs: { image: IMAGE, verify: 'false', ...inputs },
  });
}

/** The values of every `--flag value` pair in a recorded argv. */
function flagValues(argv: string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag ? [argv[i + 1]] : []));
}

test('push to main (builder auto, daemon and buildx answer): the whole buildx command', async () => {
  const r = await step('push-main');
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(docker.calls().map((c) => c.argv.slice(0, 2).join(' '))).toEqual(['version --format', 'buildx version', 'buildx inspect', 'buildx build']);
  const [argv] = docker.builds();
  const metadataFile = flagValues(argv, '--metadata-file')[0];
  const created = flagValues(argv, '--label').find((l) => l.startsWith('org.opencontainers.image.created='))!;
  expect(argv).toEqual([
    '--platform', 'linux/amd64,linux/arm64',
    '--file', 'Dockerfile',
    '--label', 'org.opencontainers.image.source=https://github.com/Codertocat/Hello-World',
    '--label', 'org.opencontainers.image.revision=6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    '--label', 'org.opencontainers.image.version=main',
    '--label', created,
    '--label', 'org.opencontainers.image.title=Hello-World',
    '--cache-from', 'type=gha,scope=sunday-api-linux-amd64',
    '--cache-to', 'type=gha,scope=sunday-api-linux-amd64,mode=max',
    '--cache-from', 'type=gha,scope=sunday-api-linux-arm64',
    '--cache-to', 'type=gha,scope=sunday-api-linux-arm64,mode=max',
    '--provenance=mode=min',
    '--sbom=false',
    '--metadata-file', metadataFile,
    '--tag', `${IMAGE}:main`,
    '--tag', `${IMAGE}:sha-6113728`,
    '--push',
    '.',
  ]);
  expect(Date.parse(created.split('=')[1])).toBeGreaterThan(Date.now() - 60_000);
  // The digest comes from the metadata file buildx wrote.
  expect(r.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(r.outputs['image-ref']).toBe(`${IMAGE}@${r.outputs.digest}`);
  expect(JSON.parse(r.outputs.metadata).builderMetadata['image.name']).toBe(`${IMAGE}:main,${IMAGE}:sha-6113728`);
  expect(r.summary).toContain('skipped: verify: false');
});

test('pull request with ECR inputs but no OIDC token (a fork): builds without a login, as ci.yml needs', async () => {
  const r = await step('pull_request-opened', { 'role-to-assume': 'arn:aws:iam::123456789012:role/sunday-ci-ecr-push', 'aws-region': 'eu-west-1' });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'notice', message: 'Not pushing: skipped the ECR login (role-to-assume is only needed to push)' }));
  expect(docker.builds()).toHaveLength(1);
});

test('pull request: tag pr-<n>, no --push and no --load (two platforms), verify skipped with a notice', async () => {
  const r = await step('pull_request-opened', { verify: 'true' });
  expect(r.exitCode).toBe(0);
  const [argv] = docker.builds();
  expect(flagValues(argv, '--tag')).toEqual([`${IMAGE}:pr-2`]);
  expect(argv).not.toContain('--push');
  expect(argv).not.toContain('--load');
  expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'notice', message: expect.stringContaining('verify skipped: nothing was pushed') }));
  expect(r.outputs.tags).toBe(`${IMAGE}:pr-2`);
  expect(r.outputs['image-ref']).toBe('');
  expect(r.outputs.digest).toBe(''); // nothing in a registry, so no digest as a registry reports it
});

test('pull request with one platform: --load, so later steps can run the image', async () => {
  const r = await step('pull_request-opened', { platforms: 'linux/amd64' });
  expect(r.exitCode).toBe(0);
  const [argv] = docker.builds();
  expect(argv).toContain('--load');
  expect(argv).not.toContain('--push');
});

test.each([
  ['push-tag-v1.2.3', ['1.2.3', '1.2', '1', 'latest'], '1.2.3'],
  ['push-tag-v1.2.3-rc.1', ['1.2.3-rc.1'], '1.2.3-rc.1'],
  ['workflow_dispatch-inputs', ['main'], 'main'],
] as const)('%s: tags %j, version label %s', async (fixture, tags, version) => {
  const r = await step(fixture);
  expect(r.exitCode).toBe(0);
  const [argv] = docker.builds();
  expect(flagValues(argv, '--tag')).toEqual(tags.map((t) => `${IMAGE}:${t}`));
  expect(flagValues(argv, '--label')).toContain(`org.opencontainers.image.version=${version}`);
  expect(argv).toContain('--push');
});

test.each([
  ['gha', ['--cache-from', 'type=gha,scope=sunday-api-linux-amd64', '--cache-to', 'type=gha,scope=sunday-api-linux-amd64,mode=max', '--cache-from', 'type=gha,scope=sunday-api-linux-arm64', '--cache-to', 'type=gha,scope=sunday-api-linux-arm64,mode=max']],
  ['registry', ['--cache-from', `type=registry,ref=${IMAGE}:buildcache`, '--cache-to', `type=registry,ref=${IMAGE}:buildcache,mode=max`]],
  ['none', []],
] as const)('cache %s', async (cache, expected) => {
  const r = await step('push-main', { cache });
  expect(r.exitCode).toBe(0);
  const [argv] = docker.builds();
  const cacheArgs = argv.flatMap((arg, i) => (arg === '--cache-from' || arg === '--cache-to' ? [arg, argv[i + 1]] : []));
  expect(cacheArgs).toEqual(expected);
});

test('cache registry on a pull request reads the cache but does not write it', async () => {
  await step('pull_request-opened', { cache: 'registry' });
  const [argv] = docker.builds();
  expect(flagValues(argv, '--cache-from')).toEqual([`${IMAGE}:buildcache`].map((ref) => `type=registry,ref=${ref}`));
  expect(argv).not.toContain('--cache-to');
});

test('login, build args, target, labels, secrets and attestations; nothing secret in argv or the log', async () => {
  const r = await step('push-main', {
    image: `ghcr.io/sunday/api\n${IMAGE}`,
    'registry-username': 'sunday-bot',
    'registry-password': PASSWORD,
    'build-args': 'NODE_VERSION=24\nEMPTY=',
    target: 'runtime',
    labels: 'org.opencontainers.image.title=Sunday API\nteam=platform',
    secrets: `github_token=${SECRET}`,
    provenance: 'mode=max',
    sbom: 'true',
    tags: 'edge',
  });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  const logins = docker.calls().filter((c) => c.argv[0] === 'login');
  expect(logins.map((c) => c.argv)).toEqual([
    ['login', 'ghcr.io', '--username', 'sunday-bot', '--password-stdin'],
    ['login', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', '--username', 'sunday-bot', '--password-stdin'],
  ]);
  expect(logins.map((c) => c.stdin)).toEqual([PASSWORD, PASSWORD]);
  // Credentials do not outlive the step: docker logs out of each registry after the build.
  expect(docker.calls().map((c) => c.argv[0]).slice(-2)).toEqual(['logout', 'logout']);
  expect(docker.calls().filter((c) => c.argv[0] === 'logout').map((c) => c.argv[1])).toEqual(['ghcr.io', '123456789012.dkr.ecr.eu-west-1.amazonaws.com']);
  const build = docker.calls().find((c) => c.argv[1] === 'build')!;
  const argv = build.argv.slice(2);
  expect(flagValues(argv, '--build-arg')).toEqual(['NODE_VERSION=24', 'EMPTY=']);
  expect(flagValues(argv, '--target')).toEqual(['runtime']);
  expect(flagValues(argv, '--label')).toEqual(expect.arrayContaining(['org.opencontainers.image.title=Sunday API', 'team=platform']));
  expect(flagValues(argv, '--label').filter((l) => l.startsWith('org.opencontainers.image.title='))).toHaveLength(1);
  expect(flagValues(argv, '--secret')).toEqual(['id=github_token,env=BUILD_MULTIARCH_SECRET_0']);
  expect(build.secretVariables).toEqual(['BUILD_MULTIARCH_SECRET_0']);
  expect(argv).toEqual(expect.arrayContaining(['--provenance=mode=max', '--sbom=true']));
  expect(flagValues(argv, '--tag')).toEqual([
    'ghcr.io/sunday/api:main', 'ghcr.io/sunday/api:sha-6113728', 'ghcr.io/sunday/api:edge',
    `${IMAGE}:main`, `${IMAGE}:sha-6113728`, `${IMAGE}:edge`,
  ]);
  expect(r.outputs['image-ref']).toMatch(/^ghcr\.io\/sunday\/api@sha256:/);
  for (const call of docker.calls()) expect(call.argv.join(' ')).not.toMatch(new RegExp(`${PASSWORD}|${SECRET}`));
  expect(findLeaks(r.stdout + r.stderr, [PASSWORD, SECRET])).toEqual([]);
  expect(r.log).not.toContain(PASSWORD);
  expect(r.log).not.toContain(SECRET);
});

test('a failed build still logs out of every registry it logged in to', async () => {
  docker = recordingDocker(sandbox.dir, { buildFails: true });
  const r = await step('push-main', { 'registry-username': 'sunday-bot', 'registry-password': PASSWORD });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([expect.stringContaining('did not complete successfully')]);
  // version, buildx version, login, buildx inspect (can the builder build every platform?), the build, logout.
  expect(docker.calls().map((c) => (c.argv[0] === 'buildx' ? `buildx ${c.argv[1]}` : c.argv[0]))).toEqual(['version', 'buildx version', 'login', 'buildx inspect', 'buildx build', 'logout']);
  expect(docker.calls().at(-1)!.argv).toEqual(['logout', IMAGE.split('/')[0]]);
});

test('a cancelled job (SIGTERM during the build) still logs out of the registry', async () => {
  docker = recordingDocker(sandbox.dir, { buildHangs: true });
  let step: { kill(signal?: NodeJS.Signals): boolean } | undefined;
  let sent = false;
  const r = await runStep('build-multiarch', {
    eventFixture: 'push-main',
    workspace: sandbox.workspace,
    path: [docker.binDir],
    inputs: { image: IMAGE, verify: 'false', 'registry-username': 'sunday-bot', 'registry-password': PASSWORD },
    onSpawn: (child) => (step = child),
    // The build command is logged just before it starts: cancel then, as GitHub does.
    onOutput: (chunk) => {
      if (!sent && chunk.includes('docker buildx build')) sent = Boolean(step?.kill('SIGTERM'));
    },
    timeoutMs: 30_000,
  });
  expect([r.timedOut, r.exitCode]).toEqual([false, 143]);
  // The build may be stopped before the stand-in records it; the logout comes last either way.
  const calls = docker.calls().map((c) => c.argv.slice(0, 2).join(' '));
  expect(calls.slice(0, 3)).toEqual(['version --format', 'buildx version', 'login 123456789012.dkr.ecr.eu-west-1.amazonaws.com']);
  expect(calls.at(-1)).toBe('logout 123456789012.dkr.ecr.eu-west-1.amazonaws.com');
});

test('a registry 503 during the push: buildx build is run again, and succeeds', async () => {
  docker = recordingDocker(sandbox.dir, { pushFailures: 1 });
  const r = await step('push-main');
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(docker.builds()).toHaveLength(2);
  expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
    expect.stringMatching(/^docker buildx build --push failed \(failed to push .*503 Service Unavailable\); retrying in .*s \(attempt 2 of 4\)$/),
  ]);
});

test('provenance false turns the attestation off', async () => {
  await step('push-main', { provenance: 'false' });
  expect(docker.builds()[0]).toContain('--provenance=false');
});

describe('a builder that can build every platform (a stock runner has neither)', () => {
  test('the docker driver and an amd64-only runner: a docker-container builder, then QEMU for arm64, each said in the log', async () => {
    docker = recordingDocker(sandbox.dir, { driver: 'docker', builderPlatforms: ['linux/amd64', 'linux/amd64/v2', 'linux/386'] });
    const r = await step('push-main');
    expect(r.errors).toEqual([]);
    expect(docker.calls().map((c) => c.argv.join(' '))).toEqual([
      'version --format {{.Server.Version}}',
      'buildx version',
      'buildx inspect',
      'buildx create --name sunday-multiarch --driver docker-container --use --bootstrap',
      'run --privileged --rm tonistiigi/binfmt:qemu-v9.2.2 --install arm64',
      expect.stringMatching(/^buildx build --platform linux\/amd64,linux\/arm64 /),
    ]);
    expect(r.log).toContain('buildx: the current buildx builder (default, driver docker) cannot build several platforms: creating sunday-multiarch (driver docker-container)');
    expect(r.log).toContain('buildx: registering QEMU for linux/arm64 (not native here): emulated builds run 5-10× slower than native ones — see ci.yml platform-strategy: native');
  });

  test('a docker-container builder that already lists arm64: nothing to set up', async () => {
    docker = recordingDocker(sandbox.dir, { driver: 'docker-container', builderPlatforms: ['linux/amd64*', 'linux/arm64'] });
    await step('push-main');
    expect(docker.calls().map((c) => c.argv.slice(0, 2).join(' '))).toEqual(['version --format', 'buildx version', 'buildx inspect', 'buildx build']);
  });

  test('one native platform on the docker driver (a native-runner job): no builder, no QEMU', async () => {
    docker = recordingDocker(sandbox.dir, { driver: 'docker', builderPlatforms: ['linux/arm64', 'linux/arm/v7'] });
    await step('push-main', { platforms: 'linux/arm64' });
    expect(docker.calls().map((c) => c.argv.slice(0, 2).join(' '))).toEqual(['version --format', 'buildx version', 'buildx inspect', 'buildx build']);
  });
});
