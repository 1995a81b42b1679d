/**
 * cd.yml run for real by act, called by the CD starter template as a Sunday repository copies it
 * (which first builds both images with ci.yml): a release deployed with promotion auto, a release
 * whose smoke test fails after the switch (rolled back), promotion manual (staged and gated, then
 * promoted by the promote job), and `mode: rollback` from workflow_dispatch. Each asserts on what
 * the peers received — Slack, the cluster, STS, EKS — and on each job's result.
 */
import { jest } from '@jest/globals';
import type { ActLine } from './act.js';
import { previousImage, seedClusters, serving } from './cluster.js';
import { expectRun, repositoryPayload, startStage, type Stage } from './stage.js';
import { cdJobs, slackCalls, slackMark } from './cd-expectations.js';
import { DEPLOY_ROLES } from './world.js';

jest.setTimeout(600_000);

let stage: Stage;
beforeAll(async () => {
  stage = await startStage();
  await seedClusters(stage);
}, 900_000);
afterAll(async () => {
  if (stage) console.log(`workflow runs (s): ${JSON.stringify(Object.fromEntries(Object.entries(stage.timings).map(([k, v]) => [k, Math.round(v)])))}`);
  await stage?.stop();
});

const dispatch = (ref: string, inputs: Record<string, string>) => ({ ref, inputs, repository: repositoryPayload, sender: { login: 'release-manager' } });

/** Index of the first request matching, or -1. */
const firstIndex = (stage: Stage, match: (method: string, path: string) => boolean, from = 0) =>
  stage.world.kube.requests.findIndex((q, i) => i >= from && match(q.method, q.path));

test('CD on tag v1.1.0, promotion auto: validate-release on the tag, one Slack message posted then updated, the pre-deploy Job first, v1.1.0 serves', async () => {
  const { world } = stage;
  const slackBefore = slackMark(world);
  const kubeBefore = world.kube.requests.length;
  const r = await stage.run('cd-tag-auto', {
    event: 'workflow_dispatch',
    workflow: '.github/workflows/cd.yml',
    checkout: 'v1.1.0',
    payload: dispatch('refs/tags/v1.1.0', { environment: 'production', version: 'v1.1.0', mode: 'deploy', promotion: 'auto' }),
  });
  expectRun(r, { exitCode: 0, jobs: cdJobs('production', { deploy: 'success', promote: 'skipped', rollback: 'skipped', notify: 'success', images: true }) });
  expect(r.steps['backend/Sunday CD/Prepare backend for production › Validate the release tag']).toBe('success');
  expect(r.outputs['backend/Sunday CD/Prepare backend for production › version']).toBe('1.1.0');

  // One message per app, posted as started and updated once, in place.
  const calls = slackCalls(world, slackBefore);
  expect(calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage', 'chat.update']);
  expect(calls[1].ts).toBe(calls[0].answerTs);
  expect(calls[3].ts).toBe(calls[2].answerTs);
  expect(calls[1].text).toMatch(/success|Deployed/i);

  // The backup Job was created before anything of the backend changed.
  const job = firstIndex(stage, (m, p) => m === 'POST' && p.startsWith('/apis/batch/v1/namespaces/sunday-production/jobs'), kubeBefore);
  const change = firstIndex(stage, (m, p) => m !== 'GET' && /\/namespaces\/sunday-production\/(deployments|services)/.test(p) && p.includes('backend'), kubeBefore);
  expect(job).toBeGreaterThan(-1);
  expect(change).toBeGreaterThan(job);
  // The cluster was reached with EKS tokens made from the production deploy role's credentials.
  expect(world.clusterCallers.some((arn) => arn.includes(`assumed-role/${DEPLOY_ROLES.production.split('/')[1]}/`))).toBe(true);

  // v1.1.0 serves: the pods behind the live URL run the image CI pushed for this release.
  for (const app of ['backend', 'frontend'] as const) {
    const pushed = r.outputs[`${app}-image/Sunday CI/${app} · image › image-ref`];
    expect(pushed).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect((await serving(stage, 'production', app)).image).toBe(pushed);
  }
});

test('CD where the smoke test fails after the switch: the rollback job runs, traffic is back on v1.0.0, Slack says so', async () => {
  const { world } = stage;
  const slackBefore = slackMark(world);
  let backendImage = '';
  const onLine = (line: ActLine) => {
    if (line.command === 'set-output' && line.name === 'image-ref' && line.job?.trim() === 'backend-image/Sunday CI/backend · image') backendImage = line.arg ?? '';
    // The new release breaks once it is live, after blue-green-deploy's post-checks passed:
    // its pods stop being ready as the smoke test of the live URL starts.
    if (line.step === 'Smoke test on the live URL' && line.stage === 'Main' && line.job?.trim() === 'backend/Sunday CD/Deploy backend to staging' && backendImage) {
      world.kube.setImageMode(backendImage, 'crash-loop');
    }
  };
  const r = await stage.run('cd-smoke-fails', {
    event: 'push',
    workflow: '.github/workflows/cd.yml',
    checkout: 'main',
    payload: { ref: 'refs/heads/main', after: stage.repo.sha['v1.1.0'], repository: repositoryPayload, head_commit: { id: stage.repo.sha['v1.1.0'] } },
    onLine,
  });
  world.kube.setImageMode(backendImage || 'nothing', 'ok');
  expectRun(r, { exitCode: 1, jobs: cdJobs('staging', { deploy: 'failure', promote: 'skipped', rollback: 'success', notify: 'success', images: true, frontend: false }) });
  expect(r.outputs['backend/Sunday CD/Roll back backend in staging › rolled-back']).toBe('true');
  expect(await serving(stage, 'staging', 'backend')).toEqual({ body: 'v1.0.0', image: previousImage(stage, 'backend') });
  const calls = slackCalls(world, slackBefore);
  expect(calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
  expect(calls[1].ts).toBe(calls[0].answerTs);
  expect(calls[1].text).toContain('rolled back');
});

test('CD with promotion manual: the deploy job stages and gates, the promote job switches', async () => {
  const r = await stage.run('cd-manual', {
    event: 'workflow_dispatch',
    workflow: '.github/workflows/cd.yml',
    checkout: 'main',
    payload: dispatch('refs/heads/main', { environment: 'staging', version: '', mode: 'deploy', promotion: 'manual' }),
  });
  expectRun(r, { exitCode: 0, jobs: cdJobs('staging', { deploy: 'success', promote: 'success', rollback: 'skipped', notify: 'success', images: true }) });
  const deployJob = 'backend/Sunday CD/Deploy backend to staging';
  expect(r.outputs[`${deployJob} › promoted`]).toBe('false');
  expect(r.steps[`${deployJob} › Smoke test on the live URL`]).toBe('skipped');
  expect(r.outputs['backend/Sunday CD/Promote backend in staging › promoted']).toBe('true');
  const pushed = r.outputs['backend-image/Sunday CI/backend · image › image-ref'];
  expect((await serving(stage, 'staging', 'backend')).image).toBe(pushed);
});

test('CD mode rollback from workflow_dispatch: only the rollback job runs, production is back on v1.0.0', async () => {
  const { world } = stage;
  const slackBefore = slackMark(world);
  const r = await stage.run('cd-rollback', {
    event: 'workflow_dispatch',
    workflow: '.github/workflows/cd.yml',
    checkout: 'main',
    payload: dispatch('refs/heads/main', { environment: 'production', version: '', mode: 'rollback', promotion: 'auto' }),
  });
  expectRun(r, { exitCode: 0, jobs: cdJobs('production', { deploy: 'skipped', promote: 'skipped', rollback: 'success', notify: 'success', images: false }) });
  for (const app of ['backend', 'frontend'] as const) {
    expect(await serving(stage, 'production', app)).toEqual({ body: 'v1.0.0', image: previousImage(stage, app) });
  }
  const calls = slackCalls(world, slackBefore);
  expect(calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage', 'chat.update']);
  expect(calls[1].text).toContain('Rolled back');
});
