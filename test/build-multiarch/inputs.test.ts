/**
 * Every input is checked before anything runs; each error names its input and never repeats a
 * value. The builder-dependent checks (buildah: no GitHub cache, no attestations) run as soon as the
 * builder is known: at once for an explicit builder.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkForBuilder, readBuildInputs, secretValues } from '../../actions/build-multiarch/inputs.js';
import { runStep } from '../harness.js';
import { makeSandbox, recordingDocker } from './helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'build-multiarch-inputs-'));
writeFileSync(join(cwd, 'Dockerfile'), 'FROM scratch\n');
mkdirSync(join(cwd, 'service'));
mkdirSync(join(cwd, 'empty'));
writeFileSync(join(cwd, 'service', 'Dockerfile'), 'FROM scratch\n');
writeFileSync(join(cwd, 'Containerfile'), 'FROM scratch\n');
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function env(inputs: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = { image: 'ghcr.io/sunday/api', ...inputs };
  return Object.fromEntries(Object.entries(base).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
}
const read = (inputs: Record<string, string>) => readBuildInputs(env(inputs), cwd);

test('defaults: everything action.yml leaves unset', () => {
  const inputs = read({ provenance: 'mode=min', sbom: 'false', push: 'auto', cache: 'auto', builder: 'auto', verify: 'true', platforms: 'linux/amd64,linux/arm64', context: '.' });
  expect(inputs).toMatchObject({
    context: '.',
    file: 'Dockerfile',
    platforms: ['linux/amd64', 'linux/arm64'],
    push: 'auto',
    cache: 'auto',
    provenance: 'mode=min',
    sbom: 'false',
    builder: 'auto',
    verify: true,
    extraTags: [],
  });
  expect(inputs.images).toEqual([{ name: 'ghcr.io/sunday/api', registry: 'ghcr.io', path: 'sunday/api' }]);
  expect(inputs.aws).toBeUndefined();
  expect(inputs.credentials).toBeUndefined();
});

test('several images, lists, pairs and credentials', () => {
  const inputs = read({
    image: 'ghcr.io/sunday/api\nsunday/api\n127.0.0.1:5000/api',
    context: 'service',
    platforms: 'linux/amd64\nlinux/arm/v7, linux/arm64',
    tags: 'edge\n2024-06',
    labels: 'team=platform\nurl=https://sunday.com/a=b',
    'build-args': 'A=1\nEMPTY=',
    secrets: 'npm=s3cret\ngh=t0ken',
    'registry-username': 'bot',
    'registry-password': 'pw',
  });
  expect(inputs.images.map((i) => [i.registry, i.path])).toEqual([
    ['ghcr.io', 'sunday/api'],
    ['docker.io', 'sunday/api'],
    ['127.0.0.1:5000', 'api'],
  ]);
  expect(inputs.file).toBe(join('service', 'Dockerfile'));
  expect(inputs.platforms).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64']);
  expect(inputs.extraTags).toEqual(['edge', '2024-06']);
  expect(inputs.labels).toEqual([['team', 'platform'], ['url', 'https://sunday.com/a=b']]);
  expect(inputs.buildArgs).toEqual([['A', '1'], ['EMPTY', '']]);
  expect(secretValues(inputs)).toEqual(['pw', 's3cret', 't0ken']);
});

test('a remote context needs no local Dockerfile', () => {
  expect(read({ context: 'https://github.com/sunday/api.git#main' }).file).toBeUndefined();
  expect(read({ file: 'Containerfile' }).file).toBe('Containerfile');
});

test.each<[string, Record<string, string>, string]>([
  ['no image', { image: '' }, "Input 'image' is required"],
  ['an image with a tag', { image: 'ghcr.io/sunday/api:1.0' }, "Input 'image' must name repositories without a tag or digest"],
  ['an image with a digest', { image: 'ghcr.io/sunday/api@sha256:abc' }, "Input 'image' must name repositories without a tag or digest"],
  ['an upper-case repository', { image: 'ghcr.io/Sunday/API' }, "Input 'image' must hold image repositories such as ghcr.io/sunday/app"],
  ['a missing context folder', { context: 'nope' }, "Input 'context' must be a folder (or a Git/HTTP URL); nope is not a folder"],
  ['a missing Dockerfile', { file: 'Dockerfile.prod' }, "Input 'file' names a file that does not exist: Dockerfile.prod"],
  ['a context without Dockerfile', { context: 'empty' }, "Input 'file' is not set and empty/Dockerfile does not exist"],
  ['a platform without arch', { platforms: 'linux' }, "Input 'platforms' must be os/arch[/variant] items such as linux/amd64 or linux/arm/v7 (not: linux)"],
  ['a platform with four parts', { platforms: 'linux/arm/v7/x' }, "Input 'platforms' must be os/arch[/variant]"],
  ['an upper-case platform', { platforms: 'Linux/AMD64' }, "Input 'platforms' must be os/arch[/variant]"],
  ['no platform', { platforms: ' , ' }, "Input 'platforms' must name at least one platform"],
  ['push yes', { push: 'yes' }, "Input 'push' must be one of auto, true, false"],
  ['a tag with a space', { tags: 'my tag' }, "Input 'tags' must hold tags such as edge"],
  ['a tag too long', { tags: 'a'.repeat(129) }, "Input 'tags' must hold tags"],
  ['a label without =', { labels: 'team' }, "Input 'labels' must hold one 'KEY=value' per line"],
  ['a build arg key with a space', { 'build-args': 'MY ARG=1' }, "Input 'build-args' must hold one 'KEY=value' per line, the key without spaces"],
  ['a secret id with a slash', { secrets: 'a/b=x' }, "Input 'secrets' must hold one 'id=value' per line"],
  ['a bad target', { target: 'run time' }, "Input 'target' must be a build stage name"],
  ['cache s3', { cache: 's3' }, "Input 'cache' must be one of auto, gha, registry, none"],
  ['provenance maybe', { provenance: 'maybe' }, "Input 'provenance' must be true, false or buildx's key=value form such as mode=max"],
  ['provenance mode=mid', { provenance: 'mode=mid' }, "Input 'provenance' mode must be min or max"],
  ['sbom yes', { sbom: 'yes' }, "Input 'sbom' must be true, false"],
  ['builder kaniko', { builder: 'kaniko' }, "Input 'builder' must be one of auto, buildx, buildah"],
  ['a username without password', { 'registry-username': 'bot' }, "Input 'registry-password' is required when registry-username is set"],
  ['a password without username', { 'registry-password': 'pw' }, "Input 'registry-username' is required when registry-password is set"],
  ['a role without region', { 'role-to-assume': 'arn:aws:iam::123456789012:role/push' }, "Input 'aws-region' is required"],
  ['a bad role', { 'role-to-assume': 'push-role', 'aws-region': 'eu-west-1' }, "Input 'role-to-assume' must be an IAM role ARN"],
  ['verify maybe', { verify: 'maybe' }, "Input 'verify' must be true or false"],
  ['gha cache with builder buildah', { cache: 'gha', builder: 'buildah' }, "Input 'cache' gha needs buildx"],
  ['registry cache with builder buildah', { cache: 'registry', builder: 'buildah' }, "Input 'cache' registry needs buildx: buildah 1.28’s layer cache mixes up platforms"],
  ['explicit provenance with builder buildah', { provenance: 'mode=max', builder: 'buildah' }, "Input 'provenance' cannot be made by buildah"],
  ['sbom with builder buildah', { sbom: 'true', builder: 'buildah', provenance: 'false' }, "Input 'sbom' cannot be made by buildah"],
])('%s is an input error', (_name, inputs, message) => {
  expect(() => read(inputs)).toThrow(message);
});

test('an error never repeats a secret value', () => {
  expect(() => read({ secrets: 'bad id=hunter2-secret' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
});

describe('what each builder is told', () => {
  const base = () => read({});
  test('buildx: auto cache is gha; attestations passed on', () => {
    expect(checkForBuilder(base(), 'buildx')).toEqual({ cache: 'gha', provenance: 'mode=min', sbom: 'false', notices: [] });
  });
  test('buildah: auto cache is none; the default provenance is skipped with a notice', () => {
    expect(checkForBuilder(base(), 'buildah')).toEqual({ cache: 'none', notices: ['buildah makes no provenance attestation: the default provenance (mode=min) is skipped'] });
  });
  test('buildah: provenance false and cache none are fine and silent', () => {
    expect(checkForBuilder(read({ provenance: 'false', cache: 'none' }), 'buildah')).toEqual({ cache: 'none', notices: [] });
  });
});

test('through the bundle: an input error is one line, before any command runs', async () => {
  const sandbox = makeSandbox();
  try {
    const docker = recordingDocker(sandbox.dir);
    const r = await runStep('build-multiarch', {
      workspace: sandbox.workspace,
      path: [docker.binDir],
      inputs: { image: 'ghcr.io/sunday/api', builder: 'buildah', cache: 'gha', 'registry-password': 'pw-never-shown', 'registry-username': 'bot' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual(["Input 'cache' gha needs buildx (the GitHub cache backend is BuildKit’s); with buildah use none"]);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe('');
    expect(docker.calls()).toEqual([]);
  } finally {
    sandbox.cleanup();
  }
});
