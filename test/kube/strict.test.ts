/**
 * Strict mode: TLS with a generated CA, bearer tokens, a pluggable token check, and the standalone
 * command. Emulator only: these are the emulator's own options (the real cluster's certificates
 * and webhook tokens are tested in test/cluster/webhook-authenticator.test.ts and rbac.test.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startKubeEmulator, type KubeEmulator } from '../servers/kube/index.js';
import { kubectlFor } from './helpers.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kube-strict-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function httpsCall(emulator: KubeEmulator, method: string, path: string, options: { token?: string; body?: string; contentType?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const call = request(`${emulator.url}${path}`, { method, ca: emulator.caCert, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    });
    call.on('error', fail);
    call.end(options.body);
  });
}

test('kubectl and client-node work over TLS with the token; a wrong token gets 401 Unauthorized', async () => {
  const emulator = await startKubeEmulator({ strict: true, pace: 0 });
  try {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await emulator.writeKubeconfig(join(dir, 'good'));
    const kubectl = kubectlFor(join(dir, 'good')).run;
    const namespaces = await kubectl(['get', 'namespaces', '-o', 'name']);
    expect(namespaces.stdout).toContain('namespace/default');
    expect(emulator.requests.filter((r) => r.verb === 'list').every((r) => r.authenticated)).toBe(true);

    writeFileSync(join(dir, 'bad'), readFileSync(join(dir, 'good'), 'utf8').replace(emulator.token!, 'wrong-token'));
    const denied = await kubectlFor(join(dir, 'bad')).run(['get', 'namespaces']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('error: You must be logged in to the server');

    const kc = new k8s.KubeConfig();
    kc.loadFromString(emulator.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    expect((await core.readNamespace({ name: 'default' })).status?.phase).toBe('Active');

    expect((await httpsCall(emulator, 'GET', '/version')).status).toBe(200);
    const anonymous = await httpsCall(emulator, 'GET', '/api/v1/namespaces');
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    // Strict server-side apply wants a field manager, as the real API server does.
    const unnamed = await httpsCall(emulator, 'PATCH', '/api/v1/namespaces/default/configmaps/x', {
      token: emulator.token,
      contentType: 'application/apply-patch+yaml',
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    });
    expect(unnamed.status).toBe(400);
  } finally {
    await emulator.stop();
  }
});

test('a pluggable token check (as for EKS k8s-aws-v1. tokens)', async () => {
  const seen: string[] = [];
  const emulator = await startKubeEmulator({
    strict: true,
    token: 'k8s-aws-v1.aHR0cHM6Ly9zdHM',
    tokenCheck: (token) => {
      seen.push(token);
      return token.startsWith('k8s-aws-v1.');
    },
  });
  try {
    expect((await httpsCall(emulator, 'GET', '/api/v1/namespaces', { token: 'k8s-aws-v1.other' })).status).toBe(200);
    expect((await httpsCall(emulator, 'GET', '/api/v1/namespaces', { token: 'plain' })).status).toBe(401);
    expect(seen).toEqual(['k8s-aws-v1.other', 'plain']);
  } finally {
    await emulator.stop();
  }
});

test('npm run kube-emulator: writes the kubeconfig, prints "ready <url>", serves until SIGTERM', async () => {
  const repo = resolve(import.meta.dirname, '../..');
  const kubeconfig = join(dir, 'cli-kubeconfig');
  const child = spawn(join(repo, 'node_modules/.bin/tsx'), ['test/servers/kube/cli.ts', '--kubeconfig', kubeconfig, '--strict', '--fault-image', 'bad=never-ready'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  try {
    const line = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) done(out);
      });
      child.on('exit', () => fail(new Error(`exited early: ${out}`)));
    });
    expect(line).toMatch(/^ready https:\/\/127\.0\.0\.1:\d+\n$/);
    expect(readFileSync(kubeconfig, 'utf8')).toContain('certificate-authority-data');
    const listed = await kubectlFor(kubeconfig).run(['get', 'ns', 'default', '-o', 'name']);
    expect(listed.stdout).toBe('namespace/default\n');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);

  const wrong = spawn(join(repo, 'node_modules/.bin/tsx'), ['test/servers/kube/cli.ts', '--kubeconfig', kubeconfig, '--fault-image', 'x=sometimes'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  wrong.stderr.on('data', (chunk) => (stderr += chunk));
  expect(await new Promise((done) => wrong.on('exit', done))).toBe(2);
  expect(stderr).toContain('--fault-image wants <substring>=<mode>');
});
