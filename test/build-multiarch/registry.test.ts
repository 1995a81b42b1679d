/**
 * Push retries (which failures are run again, how often), the platform check, and the registry
 * API client: pure parts row by row, then the client against Debian's real docker-registry (Basic)
 * and the Bearer token service in front of it.
 */
import { classifyFailure, withPushRetries, PushFailed } from '../../actions/build-multiarch/push-retry.js';
import { missingPlatforms, platformsOfIndex } from '../../actions/build-multiarch/platforms.js';
import { parseChallenge, RegistryApi } from '../../actions/build-multiarch/registry-api.js';
import { isLoopbackRegistry, parseRepository, registryApiBase } from '../../actions/build-multiarch/reference.js';
import type { ExecResult } from '../../actions/build-multiarch/exec.js';
import { startRegistry, type Registry } from '../servers/registry/registry.js';
import { startTokenAuthRegistry, type TokenAuthRegistry } from '../servers/registry/token-auth.js';

// Real buildah 1.28 / buildx messages, as seen against the local registry and fault proxy.
const BUILDAH_503 =
  'Error: copying image 1/2 from manifest list: writing blob: initiating layer upload to /v2/app/blobs/uploads/ in 127.0.0.1:40527: received unexpected HTTP status: 503 Service Unavailable';
const BUILDAH_RESET =
  'Error: copying image 1/2 from manifest list: writing blob: Post "http://127.0.0.1:42603/v2/app/blobs/uploads/": read tcp 127.0.0.1:59484->127.0.0.1:42603: read: connection reset by peer';
const BUILDAH_UNAUTHORIZED =
  'Error: copying image 1/2 from manifest list: trying to reuse blob sha256:1b81d6fbb29e4934f065dee2eeca7b74fdca4f31772eb3e0160ac73d3c27da95 at destination: checking whether a blob sha256:1b81d6fbb29e4934f065dee2eeca7b74fdca4f31772eb3e0160ac73d3c27da95 exists in 127.0.0.1:42603/app: unauthorized: authentication required';
const BUILDAH_LOGIN = 'Error: logging into "127.0.0.1:46303": invalid username/password';

describe('which push failures are retried', () => {
  test.each([
    [BUILDAH_503, 'transient'],
    [BUILDAH_RESET, 'transient'],
    ['ERROR: failed to push ghcr.io/sunday/api:main: unexpected status from PUT request: 502 Bad Gateway', 'transient'],
    ['Error: writing manifest: uploading manifest main to 127.0.0.1:5000/app: received unexpected HTTP status: 500 Internal Server Error', 'transient'],
    ['ERROR: failed to push: failed to do request: Head "https://ghcr.io/v2/": unexpected EOF', 'transient'],
    [BUILDAH_UNAUTHORIZED, 'permanent'],
    [BUILDAH_LOGIN, 'permanent'],
    ['ERROR: failed to push ghcr.io/sunday/api:main: unexpected status from HEAD request: 403 Forbidden', 'permanent'],
    ['Error: ... denied: requested access to the resource is denied', 'permanent'],
    ['Error: ... name unknown: The repository with name \'api\' does not exist in the registry with id \'123456789012\'', 'permanent'],
    ['Error: building at STEP "COPY app /": no such file or directory', 'permanent'],
  ])('%s → %s', (output, kind) => {
    expect(classifyFailure(`Copying blob sha256:0123\n${output}\n`)).toBe(kind);
  });

  const result = (code: number, output: string): ExecResult => ({ code, stdout: '', output });

  test('two 503s then success: three runs, two waits that grow', async () => {
    const outcomes = [result(125, BUILDAH_503), result(125, BUILDAH_503), result(0, 'Storing list signatures')];
    const waits: number[] = [];
    const told: string[] = [];
    const final = await withPushRetries('push', async () => outcomes.shift()!, { attempts: 4, sleep: async (ms) => void waits.push(ms), onRetry: (m) => told.push(m) });
    expect(final.code).toBe(0);
    expect(outcomes).toEqual([]);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(500);
    expect(waits[0]).toBeLessThanOrEqual(1000);
    expect(waits[1]).toBeGreaterThanOrEqual(1000);
    expect(waits[1]).toBeLessThanOrEqual(2000);
    expect(told[0]).toMatch(/^push failed \(copying image .*503 Service Unavailable\); retrying in \d\.\ds \(attempt 2 of 4\)$/);
  });

  test('401: one run, no wait, the registry’s words in the error', async () => {
    let runs = 0;
    const failure = withPushRetries('buildah login to 127.0.0.1:46303', async () => (runs++, result(125, BUILDAH_LOGIN)), { attempts: 4, sleep: async () => undefined, onRetry: () => undefined });
    await expect(failure).rejects.toThrow(new PushFailed('buildah login to 127.0.0.1:46303 failed: logging into "127.0.0.1:46303": invalid username/password', 1, 'permanent'));
    expect(runs).toBe(1);
  });

  test('5xx every time: bounded, then fails saying how often it tried', async () => {
    let runs = 0;
    const failure = withPushRetries('push', async () => (runs++, result(125, BUILDAH_503)), { attempts: 4, sleep: async () => undefined, onRetry: () => undefined });
    await expect(failure).rejects.toThrow(/^push failed after 4 attempts: copying image 1\/2/);
    expect(runs).toBe(4);
  });

  test('buildx: a 5xx outside the push (e.g. a RUN step downloading) is not retried', async () => {
    let runs = 0;
    const output = '#7 [build 3/5] RUN curl -f https://example.com/x\n#7 ERROR: process "/bin/sh -c curl" did not complete: 503 Service Unavailable';
    const failure = withPushRetries('docker buildx build --push', async () => (runs++, result(1, output)), {
      attempts: 4,
      sleep: async () => undefined,
      onRetry: () => undefined,
      isPushFailure: (text) => /push|exporting to image/.test(text),
    });
    await expect(failure).rejects.toThrow(PushFailed);
    expect(runs).toBe(1);
  });
});

describe('platforms in a list', () => {
  const index = {
    manifests: [
      { platform: { os: 'linux', architecture: 'amd64' } },
      { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
    ],
  };
  test('attestations are not platforms', () => {
    expect(platformsOfIndex(index)).toEqual(['linux/amd64', 'linux/arm64/v8']);
  });
  test.each<[string[], string[], string[]]>([
    [['linux/amd64', 'linux/arm64'], ['linux/amd64', 'linux/arm64/v8'], []],
    [['linux/arm64/v8'], ['linux/arm64'], []],
    [['linux/amd64', 'linux/arm64'], ['linux/amd64'], ['linux/arm64']],
    [['linux/arm/v7', 'linux/arm/v6'], ['linux/arm'], ['linux/arm/v6']],
    [['linux/amd64/v3'], ['linux/amd64'], ['linux/amd64/v3']],
    [['windows/amd64'], ['linux/amd64'], ['windows/amd64']],
  ])('asked %j, found %j → missing %j', (requested, found, missing) => {
    expect(missingPlatforms(requested, found)).toEqual(missing);
  });
});

describe('references', () => {
  test.each([
    ['ghcr.io/sunday/api', 'ghcr.io', 'sunday/api', 'https://ghcr.io', false],
    ['sunday/api', 'docker.io', 'sunday/api', 'https://registry-1.docker.io', false],
    ['nginx', 'docker.io', 'library/nginx', 'https://registry-1.docker.io', false],
    ['localhost/app', 'localhost', 'app', 'http://localhost', true],
    ['localhost:5000/a/b', 'localhost:5000', 'a/b', 'http://localhost:5000', true],
    ['127.1.2.3:5000/app', '127.1.2.3:5000', 'app', 'http://127.1.2.3:5000', true],
    ['[::1]:5000/app', '[::1]:5000', 'app', 'http://[::1]:5000', true],
    ['10.0.0.1:5000/app', '10.0.0.1:5000', 'app', 'https://10.0.0.1:5000', false],
    ['localhost.example.com/app', 'localhost.example.com', 'app', 'https://localhost.example.com', false],
  ])('%s: registry %s, path %s, API %s', (name, registry, path, base, loopback) => {
    expect(parseRepository(name)).toEqual({ name, registry, path });
    expect(registryApiBase(registry)).toBe(base);
    expect(isLoopbackRegistry(registry)).toBe(loopback);
  });
});

describe('WWW-Authenticate challenges', () => {
  test.each([
    ['Basic realm="basic-realm"', { scheme: 'basic', params: { realm: 'basic-realm' } }],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
    ],
    ['Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push"', { scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:a/b:pull,push' } }],
    ['Basic realm="https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/",service="ecr.amazonaws.com"', { scheme: 'basic', params: { realm: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/', service: 'ecr.amazonaws.com' } }],
  ])('%s', (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });
});

describe('the registry API client against a real registry', () => {
  let registry: Registry;
  let bearer: TokenAuthRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ users: { alice: 'right-password' } });
    bearer = await startTokenAuthRegistry({ target: registry.url, targetCredentials: { username: 'alice', password: 'right-password' }, users: { bob: 'bobs-password' } });
  });
  afterAll(async () => {
    await bearer?.stop();
    await registry?.stop();
  });

  test.each([
    ['Basic, right password: the registry’s own answer comes through', () => registry.host, { username: 'alice', password: 'right-password' }, /answered GET .*\/v2\/sunday\/none\/manifests\/main: MANIFEST_UNKNOWN: manifest unknown/],
    ['Basic, wrong password', () => registry.host, { username: 'alice', password: 'wrong' }, /^127\.0\.0\.1:\d+ refused the credentials for sunday\/none: UNAUTHORIZED: authentication required$/],
    ['Basic, no credentials', () => registry.host, undefined, /^127\.0\.0\.1:\d+ asks for credentials: set registry-username and registry-password \(or role-to-assume for ECR\), or verify: false$/],
    ['Bearer, right password: a token, then the registry’s answer', () => bearer.host, { username: 'bob', password: 'bobs-password' }, /MANIFEST_UNKNOWN: manifest unknown/],
    ['Bearer, wrong password: the token service refuses', () => bearer.host, { username: 'bob', password: 'wrong' }, /^the token service of 127\.0\.0\.1:\d+ \(http:\/\/127\.0\.0\.1:\d+\) refused a token: HTTP 401$/],
  ])('%s', async (_name, host, credentials, message) => {
    const api = new RegistryApi(parseRepository(`${host()}/sunday/none`)!, credentials);
    await expect(api.manifest('main')).rejects.toThrow(message);
  });
});
