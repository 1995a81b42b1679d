/**
 * The builders' command lines as pure functions, row by row (as docker/build-push-action tests its
 * getArgs): buildx and buildah, every cache mode, push or not, one or several platforms.
 */
import { buildxArgs, buildxCacheArgs, cacheScope } from '../../actions/build-multiarch/buildx.js';
import { buildahBuildArgs, buildahLoginArgs, buildahPushArgs } from '../../actions/build-multiarch/buildah.js';
import type { BuildPlan } from '../../actions/build-multiarch/plan.js';
import { parseRepository } from '../../actions/build-multiarch/reference.js';
import type { BuilderOptions } from '../../actions/build-multiarch/inputs.js';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/sunday/api';

function plan(overrides: Partial<BuildPlan> = {}): BuildPlan {
  const images = overrides.images ?? [parseRepository(ECR)!];
  const tags = overrides.tags ?? ['1.2.3', 'latest'];
  return {
    images,
    tags,
    refs: images.flatMap((image) => tags.map((tag) => `${image.name}:${tag}`)),
    labels: { 'org.opencontainers.image.version': '1.2.3' },
    push: true,
    pushReason: 'push: auto on push',
    tagReason: 'release tag v1.2.3',
    platforms: ['linux/amd64', 'linux/arm64'],
    context: '.',
    file: 'Dockerfile',
    buildArgs: [],
    secrets: [],
    secretEnv: {},
    ...overrides,
  };
}

const buildx = (cache: BuilderOptions['cache'], extra: Partial<BuilderOptions> = {}): BuilderOptions => ({ cache, provenance: 'mode=min', sbom: 'false', notices: [], ...extra });

describe('buildx', () => {
  test.each<[string, Partial<BuildPlan>, BuilderOptions, string[]]>([
    [
      'push, two platforms, gha cache',
      {},
      buildx('gha'),
      [
        'buildx', 'build', '--platform', 'linux/amd64,linux/arm64', '--file', 'Dockerfile',
        '--label', 'org.opencontainers.image.version=1.2.3',
        '--cache-from', 'type=gha,scope=sunday-api-linux-amd64', '--cache-to', 'type=gha,scope=sunday-api-linux-amd64,mode=max',
        '--cache-from', 'type=gha,scope=sunday-api-linux-arm64', '--cache-to', 'type=gha,scope=sunday-api-linux-arm64,mode=max',
        '--provenance=mode=min', '--sbom=false', '--metadata-file', '/tmp/m.json',
        '--tag', `${ECR}:1.2.3`, '--tag', `${ECR}:latest`, '--push', '.',
      ],
    ],
    [
      'no push, one platform: --load; registry cache read only',
      { push: false, platforms: ['linux/arm64'], tags: ['pr-7'] },
      buildx('registry'),
      [
        'buildx', 'build', '--platform', 'linux/arm64', '--file', 'Dockerfile',
        '--label', 'org.opencontainers.image.version=1.2.3',
        '--cache-from', `type=registry,ref=${ECR}:buildcache`,
        '--provenance=mode=min', '--sbom=false', '--metadata-file', '/tmp/m.json',
        '--tag', `${ECR}:pr-7`, '--load', '.',
      ],
    ],
    [
      'no push, two platforms, no tags, no cache: no output flag at all',
      { push: false, tags: [], refs: [], file: undefined, context: 'https://github.com/sunday/api.git#main' },
      buildx('none', { provenance: 'false' }),
      [
        'buildx', 'build', '--platform', 'linux/amd64,linux/arm64',
        '--label', 'org.opencontainers.image.version=1.2.3',
        '--provenance=false', '--sbom=false', '--metadata-file', '/tmp/m.json',
        'https://github.com/sunday/api.git#main',
      ],
    ],
    [
      'target, build args, secrets by variable, sbom',
      { target: 'runtime', buildArgs: [['A', '1'], ['B', 'x=y']], secrets: [{ id: 'npm', env: 'BUILD_MULTIARCH_SECRET_0' }], labels: {} },
      buildx('none', { sbom: 'true', provenance: 'mode=max' }),
      [
        'buildx', 'build', '--platform', 'linux/amd64,linux/arm64', '--file', 'Dockerfile', '--target', 'runtime',
        '--build-arg', 'A=1', '--build-arg', 'B=x=y', '--secret', 'id=npm,env=BUILD_MULTIARCH_SECRET_0',
        '--provenance=mode=max', '--sbom=true', '--metadata-file', '/tmp/m.json',
        '--tag', `${ECR}:1.2.3`, '--tag', `${ECR}:latest`, '--push', '.',
      ],
    ],
  ])('%s', (_name, overrides, options, expected) => {
    expect(buildxArgs(plan(overrides), options, '/tmp/m.json')).toEqual(expected);
  });

  test.each([
    ['ghcr.io/sunday/api', 'linux/arm/v7', 'sunday-api-linux-arm-v7'],
    ['nginx', 'linux/amd64', 'library-nginx-linux-amd64'],
    ['localhost:5000/a/b/c', 'linux/s390x', 'a-b-c-linux-s390x'],
  ])('gha scope of %s on %s is %s', (image, platform, scope) => {
    expect(cacheScope(parseRepository(image)!, platform)).toBe(scope);
  });

  test('the cache goes with the first image only', () => {
    const p = plan({ images: [parseRepository('ghcr.io/sunday/api')!, parseRepository(ECR)!] });
    expect(buildxCacheArgs(p, 'registry')).toEqual(['--cache-from', 'type=registry,ref=ghcr.io/sunday/api:buildcache', '--cache-to', 'type=registry,ref=ghcr.io/sunday/api:buildcache,mode=max']);
  });
});

describe('buildah', () => {
  test.each<[string, Partial<BuildPlan>, string[]]>([
    [
      'two platforms into a local list',
      {},
      ['--storage-driver', 'vfs', 'build', '--isolation', 'chroot', '--platform', 'linux/amd64,linux/arm64', '--manifest', 'localhost/list', '--file', 'Dockerfile', '--label', 'org.opencontainers.image.version=1.2.3', '.'],
    ],
    [
      'target, build args and secrets by variable',
      { labels: {}, target: 'runtime', buildArgs: [['A', '1']], secrets: [{ id: 'npm', env: 'BUILD_MULTIARCH_SECRET_0' }] },
      ['--storage-driver', 'vfs', 'build', '--isolation', 'chroot', '--platform', 'linux/amd64,linux/arm64', '--manifest', 'localhost/list', '--file', 'Dockerfile', '--target', 'runtime', '--build-arg', 'A=1', '--secret', 'id=npm,env=BUILD_MULTIARCH_SECRET_0', '.'],
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(buildahBuildArgs(plan(overrides), 'localhost/list')).toEqual(expected);
  });

  test.each([
    [ECR, ['--storage-driver', 'vfs', 'manifest', 'push', '--all', 'localhost/list', `docker://${ECR}:1.2.3`]],
    ['localhost:5000/app', ['--storage-driver', 'vfs', 'manifest', 'push', '--all', '--tls-verify=false', 'localhost/list', 'docker://localhost:5000/app:1.2.3']],
    ['127.0.0.42:5000/app', ['--storage-driver', 'vfs', 'manifest', 'push', '--all', '--tls-verify=false', 'localhost/list', 'docker://127.0.0.42:5000/app:1.2.3']],
    ['128.0.0.1:5000/app', ['--storage-driver', 'vfs', 'manifest', 'push', '--all', 'localhost/list', 'docker://128.0.0.1:5000/app:1.2.3']],
  ])('manifest push to %s', (image, expected) => {
    expect(buildahPushArgs('localhost/list', parseRepository(image)!, '1.2.3')).toEqual(expected);
  });

  test.each([
    ['ghcr.io', ['--storage-driver', 'vfs', 'login', '--username', 'bot', '--password-stdin', 'ghcr.io']],
    ['localhost:5000', ['--storage-driver', 'vfs', 'login', '--tls-verify=false', '--username', 'bot', '--password-stdin', 'localhost:5000']],
  ])('login to %s reads the password from stdin', (registry, expected) => {
    expect(buildahLoginArgs(registry, 'bot')).toEqual(expected);
  });
});
