/**
 * The native-runner strategy's last job, and the release template's tag job, with no builder:
 * Debian's REAL buildah builds two single-platform images (as two native-runner jobs would) and
 * pushes each by its digest to the real docker-registry; build-multiarch `mode: merge` makes one
 * list of them under the tags and verifies it; `mode: tag` adds the release tags to that digest.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runStep } from '../harness.js';
import { startRegistry, type Registry } from '../servers/registry/registry.js';
import { makeSandbox, type Sandbox } from './helpers.js';

jest.setTimeout(90_000);

const PASSWORD = 'merge-registry-password-3c9e';
const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json';
let registry: Registry;
let sandbox: Sandbox;

beforeAll(async () => {
  registry = await startRegistry({ users: { alice: PASSWORD } });
});
afterAll(() => registry?.stop());
beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(() => sandbox.cleanup());

/** What one platform job does: build one platform with buildah and push it, keeping only its digest. */
function pushPlatform(repo: string, platform: string): string {
  const env = { ...process.env, ...sandbox.buildahEnv };
  const local = `localhost/merge-${platform.replace('/', '-')}-${process.pid}`;
  const digestFile = join(sandbox.dir, `${platform.replace('/', '-')}.digest`);
  const buildah = (...args: string[]) => execFileSync('buildah', ['--storage-driver', 'vfs', ...args], { env, cwd: sandbox.workspace, stdio: 'pipe' });
  writeFileSync(sandbox.buildahEnv.REGISTRY_AUTH_FILE, '{"auths":{}}');
  buildah('build', '--isolation', 'chroot', '--platform', platform, '-t', local, '.');
  // containers/image needs a tag to push to; the job hands on only the digest.
  buildah('push', '--tls-verify=false', '--creds', `alice:${PASSWORD}`, '--digestfile', digestFile, local, `docker://${registry.host}/sunday/${repo}:job-${platform.replace('/', '-')}`);
  return readFileSync(digestFile, 'utf8').trim();
}

async function served(repo: string, reference: string): Promise<{ digest: string | null; mediaType: string | null; platforms: string[] }> {
  const response = await fetch(`${registry.url}/v2/sunday/${repo}/manifests/${reference}`, {
    headers: { Accept: ACCEPT, Authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}` },
  });
  expect(response.status).toBe(200);
  const list = (await response.json()) as { manifests?: Array<{ platform: { os: string; architecture: string } }> };
  return {
    digest: response.headers.get('docker-content-digest'),
    mediaType: response.headers.get('content-type'),
    platforms: (list.manifests ?? []).map((m) => `${m.platform.os}/${m.platform.architecture}`).sort(),
  };
}

function step(inputs: Record<string, string>, eventFixture: 'push-main' | 'push-tag-v1.2.3' = 'push-main') {
  return runStep('build-multiarch', {
    eventFixture,
    workspace: sandbox.workspace,
    inputs: { 'registry-username': 'alice', 'registry-password': PASSWORD, ...inputs },
  });
}

test('merge: two single-platform digests become one verified list under the tags; tag: the release tags on that digest', async () => {
  const amd64 = pushPlatform('merged', 'linux/amd64');
  const arm64 = pushPlatform('merged', 'linux/arm64');
  expect([amd64, arm64]).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{64}$/), expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);

  const image = `${registry.host}/sunday/merged`;
  const merged = await step({ mode: 'merge', image, digests: `${amd64}\n${image}@${arm64}` });
  expect(merged.errors).toEqual([]);
  expect(merged.exitCode).toBe(0);
  expect(merged.outputs.tags.split('\n')).toEqual([`${image}:main`, `${image}:sha-6113728`]);
  const list = await served('merged', 'main');
  expect(list.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  expect(list.mediaType).toBe('application/vnd.oci.image.index.v1+json');
  expect(merged.outputs.digest).toBe(list.digest);
  expect(merged.outputs['image-ref']).toBe(`${image}@${list.digest}`);
  expect(JSON.parse(merged.outputs.metadata).verification).toMatchObject({ ok: true, images: [{ found: ['linux/amd64', 'linux/arm64'], missing: [] }] });
  expect((await served('merged', 'sha-6113728')).digest).toBe(list.digest);

  // The release job: no build, the verified digest gets the tags.
  const tagged = await step({ mode: 'tag', image, digest: merged.outputs['image-ref'] }, 'push-tag-v1.2.3');
  expect(tagged.errors).toEqual([]);
  expect(tagged.outputs.tags.split('\n')).toEqual(['1.2.3', '1.2', '1', 'latest'].map((tag) => `${image}:${tag}`));
  for (const tag of ['1.2.3', '1.2', '1', 'latest']) expect((await served('merged', tag)).digest).toBe(list.digest);
  expect(tagged.outputs.digest).toBe(list.digest);
  expect(tagged.log).not.toMatch(/STEP \d|buildah build/);

  // Tagged again (a re-run, or the version tag the release build pushed): tags that already name
  // the digest are not put again — an immutable repository would refuse even the same manifest.
  const again = await step({ mode: 'tag', image, digest: merged.outputs['image-ref'] }, 'push-tag-v1.2.3');
  expect(again.errors).toEqual([]);
  expect(again.log).toContain(`${image}: 1.2.3, 1.2, 1, latest already name ${list.digest}: left as they are`);
  expect(again.outputs.tags.split('\n')).toEqual(['1.2.3', '1.2', '1', 'latest'].map((tag) => `${image}:${tag}`));
  expect(again.outputs.digest).toBe(list.digest);
});

test('merge refuses digests that do not hold every platform, and tags nothing', async () => {
  const amd64 = pushPlatform('partial', 'linux/amd64');
  const image = `${registry.host}/sunday/partial`;
  const r = await step({ mode: 'merge', image, digests: amd64 });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([`The digests to merge into ${image} hold linux/amd64, not linux/arm64: nothing was tagged`]);
  const response = await fetch(`${registry.url}/v2/sunday/partial/manifests/main`, { headers: { Authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}` } });
  expect(response.status).toBe(404);
});

test.each([
  [{ mode: 'merge' }, "Input 'digests' is required with mode: merge (the digests each platform job pushed, one a line)"],
  [{ mode: 'merge', digests: 'latest' }, "Input 'digests' must hold digests such as sha256:<64 hex digits> (or image@sha256:…), one a line (not: latest)"],
  [{ mode: 'tag' }, "Input 'digest' is required with mode: tag: the one sha256:… digest to add the tags to"],
  [{ mode: 'push' }, "Input 'mode' must be one of build, merge, tag"],
])('%j → one input error', async (inputs, message) => {
  const r = await step({ image: `${registry.host}/sunday/x`, ...inputs });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([message]);
});
