/**
 * The module in a real action process: a test-only entry (fixtures/entry) is bundled with ncc into
 * a temporary folder — never dist/ — and run through the runner, with the real @actions/core and
 * AWS SDK talking to the local OIDC issuer, STS and ECR.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, findLeaks, type RunOptions } from '../../runner/index.js';
import { repoRoot } from '../harness.js';
import { startEcrServer, type EcrServer } from '../servers/ecr/server.js';
import { startAwsWorld, MAIN_ROLE, type AwsWorld } from './fixtures/aws-world.js';

const ACTION_YML = `name: aws-oidc-test-entry
description: Test-only action over actions/lib/aws.
inputs:
  role-to-assume: { required: false }
  aws-region: { required: false }
  role-session-name: { required: false }
  audience: { required: false }
  export-env: { required: false, default: "false" }
  ecr-login: { required: false, default: "false" }
runs:
  using: node24
  main: dist/index.js
`;

let actionDir: string;
let world: AwsWorld;
let ecr: EcrServer;

function bundle(out: string): Promise<void> {
  const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
  // -t: transpile only (the entry's own tsconfig makes it ESM); type errors are tsc's job, and a
  // full check would also read files other work has in flight.
  const args = [ncc, 'build', join(repoRoot, 'test/aws/fixtures/entry/index.ts'), '-o', out, '--target', 'es2023', '-q', '-t'];
  return new Promise((done, fail) => {
    let errors = '';
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk) => (errors += chunk));
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`ncc failed (${code}): ${errors}`))));
  });
}

function run(inputs: Record<string, string>, env: Record<string, string> = world.env, options: Partial<RunOptions> = {}) {
  return runAction({ actionDir, inputs, env, context: { runId: '7770001', runAttempt: '1' }, timeoutMs: 30_000, ...options });
}

/** Everything secret this world handed out so far: every JWT and every credential. */
const secrets = () => [...world.oidc.issued, ...world.sts.issued.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]), ecr.password];

beforeAll(async () => {
  actionDir = mkdtempSync(join(tmpdir(), 'aws-oidc-entry-'));
  writeFileSync(join(actionDir, 'action.yml'), ACTION_YML);
  [world] = await Promise.all([startAwsWorld(), bundle(join(actionDir, 'dist'))]);
  ecr = await startEcrServer({ lookup: world.sts.lookup, password: 'ecr-password-0123456789' });
}, 60_000);
afterAll(async () => {
  await ecr?.stop();
  await world?.stop();
  rmSync(actionDir, { recursive: true, force: true });
});

test('success: credentials for later steps, an ECR login, and no secret in the output', async () => {
  const r = await run(
    { 'role-to-assume': MAIN_ROLE, 'aws-region': 'eu-west-1', 'export-env': 'true', 'ecr-login': 'true' },
    { ...world.env, AWS_ENDPOINT_URL_ECR: ecr.url },
  );
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  const issued = world.sts.issued.at(-1)!;
  expect(r.outputs).toEqual({
    'assumed-role-arn': 'arn:aws:sts::123456789012:assumed-role/sunday-ci-main/gha-7770001-1',
    subject: 'repo:sunday/app:ref:refs/heads/main',
    attempts: '1',
    registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    username: 'AWS',
  });
  expect(r.exportedEnv).toEqual({
    AWS_ACCESS_KEY_ID: issued.accessKeyId,
    AWS_SECRET_ACCESS_KEY: issued.secretAccessKey,
    AWS_SESSION_TOKEN: issued.sessionToken,
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
  });
  expect(r.masks).toEqual(expect.arrayContaining([world.oidc.issued.at(-1), issued.accessKeyId, issued.secretAccessKey, issued.sessionToken, 'ecr-password-0123456789']));
  expect(findLeaks(r.stdout + r.stderr, secrets())).toEqual([]);
  for (const secret of secrets()) expect(r.log).not.toContain(secret);
  expect(r.log).toContain('Assumed arn:aws:sts::123456789012:assumed-role/sunday-ci-main/gha-7770001-1 for repo:sunday/app:ref:refs/heads/main');
});

test('AccessDenied: exit code 1, one error line naming the role and the sub, one STS call, nothing leaked', async () => {
  const before = world.sts.requests.length;
  world.oidc.setClaims({ environment: 'staging' });
  const r = await run({ 'role-to-assume': MAIN_ROLE, 'aws-region': 'eu-west-1' }).finally(() => world.oidc.setClaims({ environment: undefined }));
  expect(r.exitCode).toBe(1);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]).toMatch(
    /^AWS refused to let this job assume arn:aws:iam::123456789012:role\/sunday-ci-main: AccessDenied \(HTTP 403\).* sub=repo:sunday\/app:environment:staging, aud=sts\.amazonaws\.com, job_workflow_ref=.*, environment=staging\./,
  );
  expect(r.stderr).toBe('');
  expect(world.sts.requests.length - before).toBe(1);
  expect(findLeaks(r.stdout + r.stderr, secrets())).toEqual([]);
  for (const secret of secrets()) expect(r.log).not.toContain(secret);
});

test('retries in a real process: a throttled STS and a reset connection, then success', async () => {
  world.sts.inject({ code: 'Throttling', status: 400, message: 'Rate exceeded' });
  world.sts.inject({ network: 'reset' });
  const r = await run({ 'role-to-assume': MAIN_ROLE, 'aws-region': 'eu-west-1' });
  expect(r.errors).toEqual([]);
  expect(r.outputs.attempts).toBe('3');
  expect(r.log).toMatch(/STS answered Throttling \(HTTP 400\): Rate exceeded \(attempt 1 of 4\); retrying in \d\.\ds/);
  expect(r.log).toMatch(/STS answered TimeoutError: socket hang up \(attempt 2 of 4\)/);
  expect(findLeaks(r.stdout + r.stderr, secrets())).toEqual([]);
});

test('a job without id-token: write fails with one line saying what to add', async () => {
  const r = await run({ 'role-to-assume': MAIN_ROLE, 'aws-region': 'eu-west-1' }, { AWS_ENDPOINT_URL_STS: world.sts.url });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toEqual([expect.stringContaining('Add `permissions: id-token: write` to the job')]);
});

test('a bad input fails before anything is loaded or called', async () => {
  const before = world.sts.requests.length;
  const r = await run({ 'role-to-assume': 'arn:aws:iam::123:role/x', 'aws-region': 'eu-west-1' });
  expect(r.errors).toEqual(["Input 'role-to-assume' must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy"]);
  expect(world.sts.requests.length).toBe(before);
});
