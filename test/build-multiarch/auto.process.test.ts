/**
 * `builder: auto` against a REAL Docker daemon: Debian's dockerd, started once for this file with
 * its own data root, exec root, pidfile and unix socket (no iptables, no bridge, vfs storage), and
 * DOCKER_HOST pointed at it. Debian has no buildx plugin, so the daemon answers `docker version`
 * while `docker buildx version` fails: auto must then build with buildah (for real) and say why.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runStep } from '../harness.js';
import { makeSandbox, type Sandbox } from './helpers.js';

jest.setTimeout(60_000);

let daemonDir: Sandbox;
let dockerd: ChildProcess;
let dockerHost: string;

async function waitForDaemon(socket: string, log: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (dockerd.exitCode !== null) throw new Error(`dockerd exited (${dockerd.exitCode}):\n${readFileSync(log, 'utf8')}`);
    // The Engine API's ping, straight over the socket.
    const answered = await new Promise<boolean>((done) => {
      const req = get({ socketPath: socket, path: '/_ping' }, (res) => {
        res.resume();
        done(res.statusCode === 200);
      });
      req.on('error', () => done(false));
    });
    if (answered) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`dockerd did not answer within 30 s:\n${readFileSync(log, 'utf8')}`);
}

beforeAll(async () => {
  daemonDir = makeSandbox();
  const root = join(daemonDir.dir, 'docker');
  mkdirSync(root);
  const socket = join(root, 'docker.sock');
  const log = join(root, 'dockerd.log');
  const out = openSync(log, 'w');
  dockerd = spawn(
    'dockerd',
    ['--iptables=false', '--bridge=none', '--storage-driver=vfs', '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '--pidfile', join(root, 'dockerd.pid'), '-H', `unix://${socket}`],
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  dockerHost = `unix://${socket}`;
  await waitForDaemon(socket, log);
});

afterAll(async () => {
  if (dockerd && dockerd.exitCode === null) {
    const exited = new Promise((done) => dockerd.once('exit', done));
    dockerd.kill('SIGTERM');
    await exited;
  }
  rmSync(join(daemonDir.dir, 'docker'), { recursive: true, force: true });
  daemonDir.cleanup();
});

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(() => sandbox.cleanup());

test('a real daemon answers but buildx is missing: auto builds with buildah, with a notice saying why', async () => {
  const r = await runStep('build-multiarch', {
    eventFixture: 'pull_request-opened',
    workspace: sandbox.workspace,
    env: { ...sandbox.buildahEnv, DOCKER_HOST: dockerHost },
    inputs: { image: 'ghcr.io/sunday/app' },
  });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  const notices = r.annotations.filter((a) => a.level === 'notice').map((a) => a.message);
  expect(notices[0]).toMatch(/^Building with buildah: a Docker daemon answers but `docker buildx version` failed \(.*buildx.*\)\.$/);
  expect(notices).toContain('buildah makes no provenance attestation: the default provenance (mode=min) is skipped');
  expect(JSON.parse(r.outputs.metadata).builder).toBe('buildah');
  expect(r.log).toContain('[linux/arm64] COMMIT');
});

test('no daemon answers (DOCKER_HOST points nowhere): auto builds with buildah, and says so', async () => {
  const r = await runStep('build-multiarch', {
    eventFixture: 'pull_request-opened',
    workspace: sandbox.workspace,
    env: { ...sandbox.buildahEnv, DOCKER_HOST: `unix://${join(sandbox.dir, 'no-daemon.sock')}` },
    inputs: { image: 'ghcr.io/sunday/app', platforms: 'linux/arm64' },
  });
  expect(r.exitCode).toBe(0);
  expect(r.annotations.find((a) => a.level === 'notice')?.message).toMatch(/^Building with buildah: no Docker daemon answers `docker version` \(.+\)\.$/);
});

test('neither docker nor buildah on PATH: one clear error naming both', async () => {
  const r = await runStep('build-multiarch', {
    eventFixture: 'pull_request-opened',
    workspace: sandbox.workspace,
    env: { PATH: join(sandbox.dir, 'empty-bin') },
    inputs: { image: 'ghcr.io/sunday/app' },
  });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([
    'No builder can run here: buildx needs a Docker daemon and the buildx plugin, but no Docker daemon answers `docker version` (docker: not found on PATH); ' +
      'and buildah is not usable (buildah: not found on PATH). Install buildx (docker/setup-buildx-action) or buildah.',
  ]);
});
