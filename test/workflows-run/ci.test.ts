/**
 * ci.yml run for real by act, called by the CI starter template as a Sunday repository copies it:
 * on a push to the default branch (images pushed through OIDC → STS → ECR to a real registry,
 * judged by trivy-gate on their digest) and on a pull request (nothing pushed, no token asked).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { stepLog, workflowCallOutput } from './act.js';
import { findLeaks } from '../../runner/index.js';
import { CI_ROLE, jobSecrets } from './world.js';
import { expectRun, reportTimings, repositoryPayload, startStage, type Stage } from './stage.js';
import { registryIndex } from './registry-index.js';

jest.setTimeout(600_000);

let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
}, 900_000);
afterAll(async () => {
  reportTimings(stage);
  await stage?.stop();
});

test('CI on a push to develop: lint, type check, tests, both images pushed with both platforms, trivy-gate on the digest, image-ref out', async () => {
  const { world, repo } = stage;
  const sha = repo.sha['v1.1.0'];
  // The CI template runs on develop (and pull requests); the default branch is the CD run's.
  const r = await stage.run('ci-push', {
    event: 'push',
    workflow: '.github/workflows/ci.yml',
    checkout: 'main',
    payload: { ref: 'refs/heads/develop', before: repo.sha['v1.0.0'], after: sha, repository: repositoryPayload, head_commit: { id: sha, message: 'Release 1.1.0' } },
  });
  expectRun(r, {
    exitCode: 0,
    jobs: {
      'backend/Sunday CI/backend · lint, types, tests, audit': 'success',
      'backend/Sunday CI/backend · image': 'success',
      // platform-strategy native only (the default is qemu: one job builds both platforms)
      'backend/Sunday CI/backend · image linux/amd64': 'skipped',
      'backend/Sunday CI/backend · image linux/arm64': 'skipped',
      'backend/Sunday CI/backend · trivy fs': 'skipped',
      'backend/Sunday CI/backend · image build linux/amd64,linux/arm64 (not pushed)': 'skipped',
      'backend/Sunday CI/backend · moving tags': 'skipped',
      'frontend/Sunday CI/frontend · lint, types, tests, audit': 'success',
      'frontend/Sunday CI/frontend · image': 'success',
      // platform-strategy native only (the default is qemu: one job builds both platforms)
      'frontend/Sunday CI/frontend · image linux/amd64': 'skipped',
      'frontend/Sunday CI/frontend · image linux/arm64': 'skipped',
      'frontend/Sunday CI/frontend · trivy fs': 'skipped',
      'frontend/Sunday CI/frontend · image build linux/amd64,linux/arm64 (not pushed)': 'skipped',
      'frontend/Sunday CI/frontend · moving tags': 'skipped',
    },
  });
  for (const app of ['backend', 'frontend']) {
    const job = `${app}/Sunday CI/${app} · lint, types, tests, audit`;
    for (const step of ['Install', 'Lint', 'Type check', 'Unit tests', 'npm audit']) expect([step, r.steps[`${job} › ${step}`]]).toEqual([step, 'success']);
  }
  // The unit-test artifact of each app, with the JUnit file the summary counted.
  for (const app of ['backend', 'frontend']) {
    const junit = readFileSync(join(stage.artifacts('ci-push'), `unit-tests-${app}`, app, 'test-results', 'junit.xml'), 'utf8');
    expect(junit).toContain('<testcase name="health answers ok"');
  }

  // Nothing secret reached act's log (OIDC tokens, STS credentials, the registry password).
  expect(stepLog(r)).toContain('checkout (stand-in): https://github.com/sunday/app at');
  expect(findLeaks(stepLog(r), jobSecrets(world))).toEqual([]);
  // OIDC → STS (the CI role) → ECR, once per app for build-multiarch and once for Trivy's login.
  expect(world.oidc.requests.filter((q) => q.status === 200).length).toBeGreaterThanOrEqual(2);
  expect(world.oidc.requests.every((q) => q.audience === 'sts.amazonaws.com')).toBe(true);
  expect(world.sts.issued.map((c) => c.roleArn)).toEqual(expect.arrayContaining([CI_ROLE]));
  expect(world.ecr.requests.filter((q) => q.status === 200).length).toBeGreaterThanOrEqual(2);

  for (const app of ['backend', 'frontend']) {
    const imageJob = `${app}/Sunday CI/${app} · image`;
    const imageRef = r.outputs[`${imageJob} › image-ref`];
    expect(imageRef).toMatch(new RegExp(`^${world.registry.host.replace(/\./g, '\\.')}/sunday-${app}@sha256:[0-9a-f]{64}$`));
    // The registry holds one index with both platforms under that digest.
    const index = await registryIndex(world, imageRef);
    expect(index.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    // trivy-gate judged the pushed digest (the stand-in trivy was asked for exactly that image).
    expect(stage.trivyCalls('ci-push')).toContainEqual(expect.objectContaining({ command: 'image', target: imageRef }));
    expect(r.steps[`${imageJob} › Gate on the pushed digest`]).toBe('success');
    expect(r.outputs[`${imageJob} › passed`]).toBe('true');
    // ci.yml's workflow_call output, as act evaluated it for the caller.
    expect(workflowCallOutput(r, imageJob, 'jobs.image.outputs.image-ref')).toBe(imageRef);
  }
});

test('CI on a pull request: built, scanned with trivy fs, nothing pushed, no token asked, no AWS call', async () => {
  const { world, repo } = stage;
  const before = { oidc: world.oidc.requests.length, sts: world.sts.requests.length, ecr: world.ecr.requests.length, eks: world.eks.requests.length };
  const r = await stage.run('ci-pull-request', {
    event: 'pull_request',
    workflow: '.github/workflows/ci.yml',
    checkout: 'feature/search',
    payload: {
      action: 'opened',
      number: 7,
      pull_request: { number: 7, head: { ref: 'feature/search', sha: repo.sha.feature }, base: { ref: 'main', sha: repo.sha['v1.1.0'] } },
      repository: repositoryPayload,
    },
  });
  expectRun(r, {
    exitCode: 0,
    jobs: {
      'backend/Sunday CI/backend · lint, types, tests, audit': 'success',
      // the jobs with id-token: write never run for a pull request
      'backend/Sunday CI/backend · image': 'skipped',
      'backend/Sunday CI/backend · image linux/amd64': 'skipped',
      'backend/Sunday CI/backend · image linux/arm64': 'skipped',
      'backend/Sunday CI/backend · moving tags': 'skipped',
      // the image is built (not pushed) by a job of its own, without id-token: write
      'backend/Sunday CI/backend · image build linux/amd64,linux/arm64 (not pushed)': 'success',
      'backend/Sunday CI/backend · trivy fs': 'success',
      'frontend/Sunday CI/frontend · lint, types, tests, audit': 'success',
      // the jobs with id-token: write never run for a pull request
      'frontend/Sunday CI/frontend · image': 'skipped',
      'frontend/Sunday CI/frontend · image linux/amd64': 'skipped',
      'frontend/Sunday CI/frontend · image linux/arm64': 'skipped',
      'frontend/Sunday CI/frontend · moving tags': 'skipped',
      // the image is built (not pushed) by a job of its own, without id-token: write
      'frontend/Sunday CI/frontend · image build linux/amd64,linux/arm64 (not pushed)': 'success',
      'frontend/Sunday CI/frontend · trivy fs': 'success',
    },
  });
  expect({ oidc: world.oidc.requests.length, sts: world.sts.requests.length, ecr: world.ecr.requests.length, eks: world.eks.requests.length }).toEqual(before);
  expect(r.steps['backend/Sunday CI/backend · image build linux/amd64,linux/arm64 (not pushed) › Build linux/amd64,linux/arm64']).toBe('success');
  expect(r.outputs['backend/Sunday CI/backend · image › image-ref'] ?? '').toBe('');
  expect(stage.trivyCalls('ci-pull-request').map((call) => [call.command, call.target]).sort()).toEqual([
    ['fs', 'backend'],
    ['fs', 'frontend'],
  ]);
  // Nothing of the pull request reached the registry: its commit is not among the tags.
  const tags = await (await fetch(`${world.registry.url}/v2/sunday-backend/tags/list`, { headers: { authorization: world.registryAuth } })).json();
  expect(JSON.stringify(tags)).not.toContain(repo.sha.feature.slice(0, 7));
});
