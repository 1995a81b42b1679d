/**
 * The committed bundle, run as the runner runs it, with Debian's REAL buildah (vfs storage, chroot
 * isolation) building a REAL two-platform image and pushing it to Debian's REAL docker-registry
 * (htpasswd auth on 127.0.0.1). Faults come from a proxy in front of that registry; Bearer auth
 * from a token service in front of it.
 */
import { jest } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { runStep, type EventFixture } from '../harness.js';
import { findLeaks } from '../../runner/index.js';
import { startRegistry, type Registry } from '../servers/registry/registry.js';
import { startFaultProxy, BLOB_UPLOAD_START, type FaultProxy } from '../servers/registry/fault-proxy.js';
import { startTokenAuthRegistry } from '../servers/registry/token-auth.js';
import { makeSandbox, type Sandbox } from './helpers.js';

jest.setTimeout(60_000);

const PASSWORD = 'registry-Pa55word-never-shown';
const BUILD_SECRET = 'npm-token-never-shown-0123456789';
const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json';

let registry: Registry;
let sandbox: Sandbox;

beforeAll(async () => {
  registry = await startRegistry({ users: { alice: PASSWORD } });
});
afterAll(async () => {
  await registry?.stop();
});
beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(() => sandbox.cleanup());

/** Reads a manifest list straight from the registry, as an independent check of what was pushed. */
async function registryList(path: string, tag: string): Promise<{ digest: string | null; platforms: string[] }> {
  const response = await fetch(`${registry.url}/v2/${path}/manifests/${tag}`, {
    headers: { Accept: ACCEPT, Authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}` },
  });
  expect(response.status).toBe(200);
  const list = (await response.json()) as { manifests: Array<{ platform: { os: string; architecture: string } }> };
  return { digest: response.headers.get('docker-content-digest'), platforms: list.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).sort() };
}

/** Each test pushes to a repository of its own (`sunday/<repo>`): the registry is shared by the file. */
function step(host: string, repo: string, inputs: Record<string, string>, options: { eventFixture?: EventFixture; env?: Record<string, string> } = {}) {
  return runStep('build-multiarch', {
    eventFixture: options.eventFixture ?? 'push-main',
    workspace: sandbox.workspace,
    env: { ...sandbox.buildahEnv, ...options.env },
    inputs: { image: `${host}/sunday/${repo}`, builder: 'buildah', 'registry-username': 'alice', 'registry-password': PASSWORD, ...inputs },
  });
}

function expectNoLeak(r: Awaited<ReturnType<typeof runStep>>, ...secrets: string[]) {
  expect(findLeaks(r.stdout + r.stderr, secrets)).toEqual([]);
  for (const secret of secrets) expect(r.log).not.toContain(secret);
}

test('push to main: a real two-platform image lands in the registry and verify reads it back', async () => {
  const r = await step(registry.host, 'app', { secrets: `npm_token=${BUILD_SECRET}` });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  const pushed = await registryList('sunday/app', 'main');
  expect(pushed.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  expect(r.outputs.digest).toBe(pushed.digest);
  expect(r.outputs['image-ref']).toBe(`${registry.host}/sunday/app@${pushed.digest}`);
  expect(r.outputs.tags.split('\n')).toEqual([`${registry.host}/sunday/app:main`, `${registry.host}/sunday/app:sha-6113728`]);
  expect(r.outputs.platforms).toBe('linux/amd64,linux/arm64');
  expect((await registryList('sunday/app', 'sha-6113728')).digest).toBe(pushed.digest);
  const metadata = JSON.parse(r.outputs.metadata);
  expect(metadata.verification).toMatchObject({ ok: true });
  expect(metadata.labels['org.opencontainers.image.revision']).toBe('6113728f27ae82c7b1a177c8d03f9e96e0adf246');
  expect(r.summary).toContain(pushed.digest);
  expect(r.summary).toContain('linux/amd64, linux/arm64');
  expect(r.summary).toMatch(/Verification \| .*sunday\/app:main: linux\/amd64, linux\/arm64/);
  expect(r.masks).toEqual(expect.arrayContaining([PASSWORD, BUILD_SECRET]));
  expectNoLeak(r, PASSWORD, BUILD_SECRET);
  // The login went to an auth file of the step's own, deleted with it: the user's file never holds it.
  const userAuth = sandbox.buildahEnv.REGISTRY_AUTH_FILE;
  expect(existsSync(userAuth) ? readFileSync(userAuth, 'utf8') : '').not.toContain(Buffer.from(`alice:${PASSWORD}`).toString('base64'));
});

test('verify fails when the registry ends up with a list that lacks a platform', async () => {
  const proxy = await startFaultProxy(registry.url);
  try {
    // The proxy drops linux/arm64 from the list on its way in: the registry really stores a
    // one-platform list, and reading it back must show that.
    proxy.inject({ kind: 'drop-platform', platform: 'linux/arm64' });
    const r = await step(proxy.host, 'dropped', {}, { eventFixture: 'push-tag-v1.2.3' });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Verification failed: .*sunday\/dropped:1\.2\.3 .* lacks linux\/arm64: it holds linux\/amd64$/);
    expect((await registryList('sunday/dropped', '1.2.3')).platforms).toEqual(['linux/amd64']);
    expect(r.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.summary).toContain('verification failed');
  } finally {
    await proxy.stop();
  }
});

describe('through a fault-injecting proxy', () => {
  let proxy: FaultProxy;
  beforeEach(async () => {
    proxy = await startFaultProxy(registry.url);
  });
  afterEach(() => proxy.stop());

  test('503 twice on a blob upload: the push is run again and succeeds', async () => {
    proxy.inject({ kind: 'status', status: 503, times: 2, when: BLOB_UPLOAD_START });
    const r = await step(proxy.host, 'flaky', {});
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(proxy.requests.filter((q) => q.injected).map((q) => q.status)).toEqual([503, 503]);
    const retries = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/buildah manifest push to .*sunday\/flaky:main failed \(.*503 Service Unavailable\); retrying in .* \(attempt 2 of 4\)$/);
    expect((await registryList('sunday/flaky', 'main')).platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  test('a connection reset during the push is retried too', async () => {
    proxy.inject({ kind: 'reset', times: 1, when: BLOB_UPLOAD_START });
    const r = await step(proxy.host, 'reset', {});
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(proxy.requests.filter((q) => q.injected).map((q) => q.status)).toEqual(['reset']);
    expect((await registryList('sunday/reset', 'main')).platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  test('a wrong password fails at once (401 is not retried) with a clear error', async () => {
    const wrong = 'not-the-Password-0987';
    const r = await step(proxy.host, 'denied', { 'registry-password': wrong });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/^buildah login to 127\.0\.0\.1:\d+ failed: .*invalid username\/password/)]);
    expect(r.annotations.filter((a) => a.level === 'warning')).toEqual([]);
    expect(proxy.requests.filter((q) => /blobs|manifests/.test(q.path))).toEqual([]);
    expectNoLeak(r, wrong);
  });
});

test('Bearer token auth (as Docker Hub and GHCR): buildah pushes and verify gets its own token', async () => {
  const front = await startTokenAuthRegistry({ target: registry.url, targetCredentials: { username: 'alice', password: PASSWORD }, users: { bob: PASSWORD } });
  try {
    const r = await step(front.host, 'bearer', { 'registry-username': 'bob' });
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect((await registryList('sunday/bearer', 'main')).platforms).toEqual(['linux/amd64', 'linux/arm64']);
    // Our verify asked for a pull token for exactly this repository, with bob's credentials.
    expect(front.tokenRequests).toContainEqual({ service: front.service, scope: 'repository:sunday/bearer:pull', user: 'bob', status: 200 });
    expect(JSON.parse(r.outputs.metadata).verification.ok).toBe(true);
  } finally {
    await front.stop();
  }
});

test('pull request: builds both platforms, pushes nothing, skips verify with a notice', async () => {
  const r = await step(registry.host, 'pr-only', {}, { eventFixture: 'pull_request-opened' });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.log).toContain('[linux/arm64] COMMIT');
  expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'notice', message: expect.stringMatching(/^verify skipped: nothing was pushed \(push: auto never pushes a pull_request build\)/) }));
  expect(r.outputs.tags).toBe(`${registry.host}/sunday/pr-only:pr-2`);
  expect(r.outputs.digest).toBe('');
  const catalog = await fetch(`${registry.url}/v2/sunday/pr-only/tags/list`, { headers: { Authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}` } });
  expect(catalog.status).toBe(404);
});

test('GITHUB_REF unset: no crash; the commit and the extra tags are used', async () => {
  const r = await step(registry.host, 'no-ref', { tags: 'manual' }, { eventFixture: 'workflow_dispatch-inputs', env: { GITHUB_REF: '', GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01' } });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.outputs.tags.split('\n')).toEqual([`${registry.host}/sunday/no-ref:sha-abcdef0`, `${registry.host}/sunday/no-ref:manual`]);
  expect(r.log).toContain('GITHUB_REF is not set');
});

test('verify false: no platform check, the digest still as the registry reports it', async () => {
  const r = await step(registry.host, 'unverified', { verify: 'false' });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.digest).toBe((await registryList('sunday/unverified', 'main')).digest);
  expect(r.summary).toContain('skipped: verify: false');
});

