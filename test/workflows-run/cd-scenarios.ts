/**
 * The CD scenarios: each runs the CD template of the fixture repository with act and returns the
 * run with `check`, which asserts what must have happened — each job's result and what the peers
 * received — and throws otherwise. cd.test.ts runs them on the suite under test; the broken-copy
 * tests run them on a copy of cd.yml with one thing broken and expect `check` to throw.
 */
import { stepLog, type ActLine, type ActResult } from './act.js';
import { cdJobs, slackCalls, slackMark } from './cd-expectations.js';
import { previousImage, serving } from './cluster.js';
import { expectRun, repositoryPayload, type Stage } from './stage.js';
import { findLeaks } from '../../runner/index.js';
import { DEPLOY_ROLES, jobSecrets } from './world.js';

export interface Outcome {
  result: ActResult;
  check(): Promise<void>;
}

const CD_TEMPLATE = '.github/workflows/cd.yml';

/** "Run workflow" of the CD template on `ref` (a tag or a branch) with its inputs. */
const runDispatch = (stage: Stage, name: string, ref: string, inputs: Record<string, string>, suite?: string) =>
  stage.run(name, {
    event: 'workflow_dispatch',
    workflow: CD_TEMPLATE,
    checkout: ref.replace(/^refs\/(heads|tags)\//, ''),
    payload: { ref, inputs, repository: repositoryPayload, sender: { login: 'release-manager' } },
    suite,
  });

/** Index of the first log line matching, or -1. */
const lineIndex = (r: ActResult, match: (line: ActLine) => boolean) => r.lines.findIndex(match);

/** The digest a tag of `app`'s repository names in the registry, or its HTTP status. */
async function tagDigest(stage: Stage, app: string, tag: string): Promise<string> {
  const response = await fetch(`${stage.world.registry.url}/v2/sunday-${app}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json', authorization: stage.world.registryAuth },
  });
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? '') : `HTTP ${response.status}`;
}

/**
 * A release image is built once, pushed by digest and version only, deployed by that digest, and
 * gets latest, 1 and 1.1 (the moving tags) from ci.yml's tag job only after validate-release
 * passed — never from a second build.
 */
async function expectReleaseTagging(stage: Stage, r: ActResult, app: string, pushed: string): Promise<void> {
  const digest = pushed.split('@')[1];
  const build = `${app}-image/Sunday CI/${app} · image`;
  const tagJob = `${app}-tags/Sunday CI/${app} · moving tags`;
  // One build: the first call's image job built and pushed 1.1.0 alone (the moving tags held back).
  const buildLines = r.lines.filter((l) => l.job?.trim() === build && /^Tags: /.test(l.msg)).map((l) => l.msg.trim());
  expect(buildLines).toEqual([expect.stringMatching(/^Tags: 1\.1\.0 \(release tag v1\.1\.0; 1\.1, 1, latest left for mode: tag \(moving-tags: false\)\); pushing/)]);
  // The tag job built nothing: it put the same digest under the moving tags.
  const tagLines = r.lines.filter((l) => l.job?.trim() === tagJob && /^Tags: /.test(l.msg)).map((l) => l.msg.trim());
  expect(tagLines).toEqual([`Tags: 1.1.0, 1.1, 1, latest (release tag v1.1.0); tagging ${digest}`]);
  expect(r.lines.filter((l) => /^Tags: .*; pushing/.test(l.msg) && (l.job ?? '').includes(`${app}`)).length).toBe(1);
  // Order: validate-release passed (in cd.yml's prepare), the deploy ended, then the tag job began.
  const validated = lineIndex(r, (l) => l.job?.trim() === `${app}/Sunday CD/Prepare ${app} for production` && l.step === 'Validate the release tag' && l.stepResult === 'success');
  const deployed = lineIndex(r, (l) => l.job?.trim() === `${app}/Sunday CD/Deploy ${app} to production` && l.jobResult === 'success');
  const tagging = lineIndex(r, (l) => l.job?.trim() === tagJob);
  expect(validated).toBeGreaterThan(-1);
  expect(deployed).toBeGreaterThan(validated);
  expect(tagging).toBeGreaterThan(deployed);
  // In the registry: every tag names the one digest that was built, scanned and deployed.
  for (const tag of ['1.1.0', '1.1', '1', 'latest']) expect([tag, await tagDigest(stage, app, tag)]).toEqual([tag, digest]);
}

/** Index of the first request to the cluster matching, from `from` on, or -1. */
const firstIndex = (stage: Stage, match: (method: string, path: string) => boolean, from: number) =>
  stage.world.kube.requests.findIndex((q, i) => i >= from && match(q.method, q.path));

/** Release v1.1.0 to production from its tag with promotion auto (Run workflow on the tag). */
export async function releaseAuto(stage: Stage, suite?: string): Promise<Outcome> {
  const { world } = stage;
  const slackBefore = slackMark(world);
  const kubeBefore = world.kube.requests.length;
  const r = await runDispatch(stage, 'cd-tag-auto', 'refs/tags/v1.1.0', { environment: 'production', version: 'v1.1.0', mode: 'deploy', promotion: 'auto' }, suite);
  return {
    result: r,
    check: async () => {
      expectRun(r, { exitCode: 0, jobs: cdJobs('production', { deploy: 'success', promote: 'skipped', rollback: 'skipped', notify: 'success', images: true, tags: true }) });
      expect(r.steps['backend/Sunday CD/Prepare backend for production › Validate the release tag']).toBe('success');
      expect(r.steps['backend/Sunday CD/Prepare backend for production › Ref guard']).toBe('success');
      expect(r.outputs['backend/Sunday CD/Prepare backend for production › version']).toBe('1.1.0');

      // One message per app, posted as started and updated once, in place.
      const calls = slackCalls(world, slackBefore);
      expect(calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage', 'chat.update']);
      expect(calls[1].ts).toBe(calls[0].answerTs);
      expect(calls[3].ts).toBe(calls[2].answerTs);
      expect(calls[0].text).toContain('Deploy of backend to production');
      expect(calls[1].text).toContain('Deployed;');

      // The backup Job was created before anything of the backend changed.
      const job = firstIndex(stage, (m, p) => m === 'POST' && p.startsWith('/apis/batch/v1/namespaces/sunday-production/jobs'), kubeBefore);
      const change = firstIndex(stage, (m, p) => m !== 'GET' && /\/namespaces\/sunday-production\/(deployments|services)/.test(p) && p.includes('backend'), kubeBefore);
      expect(job).toBeGreaterThan(-1);
      expect(change).toBeGreaterThan(job);
      // Nothing secret reached act's log: the Slack token, the OIDC tokens, the STS credentials.
      expect(findLeaks(stepLog(r), jobSecrets(world))).toEqual([]);
      // The cluster was reached with EKS tokens made from the production deploy role's credentials.
      expect(world.clusterCallers.some((arn) => arn.includes(`assumed-role/${DEPLOY_ROLES.production.split('/')[1]}/`))).toBe(true);

      // v1.1.0 serves: the pods behind each live URL run the image CI pushed for this release,
      // handed from ci.yml's workflow output to cd.yml's image-ref.
      for (const app of ['backend', 'frontend'] as const) {
        const pushed = r.outputs[`${app}-image/Sunday CI/${app} · image › image-ref`];
        expect(pushed).toMatch(/@sha256:[0-9a-f]{64}$/);
        expect((await serving(stage, 'production', app)).image).toBe(pushed);
        await expectReleaseTagging(stage, r, app, pushed);
      }
    },
  };
}

/**
 * A push to main deploys v1.1.0 to staging (promotion auto); the new backend breaks once live —
 * its pods stop being ready as the smoke test of the live URL starts, after blue-green-deploy's
 * own post-checks passed — so the rollback job must put v1.0.0 back and Slack must say so.
 */
export async function smokeFailsAfterSwitch(stage: Stage, suite?: string): Promise<Outcome> {
  const { world } = stage;
  const slackBefore = slackMark(world);
  let backendImage = '';
  const onLine = (line: ActLine) => {
    const job = line.job?.trim();
    if (line.command === 'set-output' && line.name === 'image-ref' && job === 'backend-image/Sunday CI/backend · image') backendImage = line.arg ?? '';
    if (line.step === 'Smoke test on the live URL' && line.stage === 'Main' && job === 'backend/Sunday CD/Deploy backend to staging' && backendImage) {
      world.kube.setImageMode(backendImage, 'crash-loop');
    }
  };
  const r = await stage.run('cd-smoke-fails', {
    event: 'push',
    workflow: CD_TEMPLATE,
    checkout: 'main',
    payload: { ref: 'refs/heads/main', after: stage.repo.sha['v1.1.0'], repository: repositoryPayload, head_commit: { id: stage.repo.sha['v1.1.0'] } },
    onLine,
    suite,
  });
  if (backendImage) world.kube.setImageMode(backendImage, 'ok');
  return {
    result: r,
    check: async () => {
      expectRun(r, { exitCode: 1, jobs: cdJobs('staging', { deploy: 'failure', promote: 'skipped', rollback: 'success', notify: 'success', images: true, frontend: false }) });
      expect(r.steps['backend/Sunday CD/Deploy backend to staging › Smoke test on the live URL']).toBe('failure');
      expect(r.outputs['backend/Sunday CD/Roll back backend in staging › rolled-back']).toBe('true');
      expect(await serving(stage, 'staging', 'backend')).toEqual({ body: 'v1.0.0', image: previousImage(stage, 'backend') });
      const calls = slackCalls(world, slackBefore);
      expect(calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
      expect(calls[1].ts).toBe(calls[0].answerTs);
      expect(calls[1].text).toContain('failed after the switch and was rolled back');
    },
  };
}

/** Run workflow from main: staging, promotion manual — the deploy job stages and gates, the promote job switches. */
export async function promotionManual(stage: Stage, suite?: string): Promise<Outcome> {
  const r = await runDispatch(stage, 'cd-manual', 'refs/heads/main', { environment: 'staging', version: '', mode: 'deploy', promotion: 'manual' }, suite);
  return {
    result: r,
    check: async () => {
      expectRun(r, { exitCode: 0, jobs: cdJobs('staging', { deploy: 'success', promote: 'success', rollback: 'skipped', notify: 'success', images: true }) });
      const deployJob = 'backend/Sunday CD/Deploy backend to staging';
      expect(r.outputs[`${deployJob} › promoted`]).toBe('false');
      expect(r.steps[`${deployJob} › Smoke test on the live URL`]).toBe('skipped');
      expect(r.outputs['backend/Sunday CD/Promote backend in staging › promoted']).toBe('true');
      const pushed = r.outputs['backend-image/Sunday CI/backend · image › image-ref'];
      expect((await serving(stage, 'staging', 'backend')).image).toBe(pushed);
    },
  };
}

/** Run workflow from main: production, mode rollback — only the rollback jobs run; v1.0.0 serves again. */
export async function rollbackMode(stage: Stage, suite?: string): Promise<Outcome> {
  const { world } = stage;
  const slackBefore = slackMark(world);
  const r = await runDispatch(stage, 'cd-rollback', 'refs/heads/main', { environment: 'production', version: '', mode: 'rollback', promotion: 'auto' }, suite);
  return {
    result: r,
    check: async () => {
      expectRun(r, { exitCode: 0, jobs: cdJobs('production', { deploy: 'skipped', promote: 'skipped', rollback: 'success', notify: 'success', images: false }) });
      for (const app of ['backend', 'frontend'] as const) {
        expect(await serving(stage, 'production', app)).toEqual({ body: 'v1.0.0', image: previousImage(stage, app) });
      }
      const calls = slackCalls(world, slackBefore);
      expect(calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage', 'chat.update']);
      expect(calls[1].ts).toBe(calls[0].answerTs);
      expect(calls[1].text).toContain('Rolled back');
    },
  };
}

/**
 * A push of tag v1.0.0 after v1.1.0: CI builds and pushes its image (by digest and 1.0.0 only),
 * validate-release refuses the tag (not above v1.1.0), so nothing is deployed and the image never
 * gets a moving tag: the tag jobs do not run.
 */
export async function rejectedRelease(stage: Stage, suite?: string): Promise<Outcome> {
  const sha = stage.repo.sha['v1.0.0'];
  const r = await stage.run('cd-tag-rejected', {
    event: 'push',
    workflow: CD_TEMPLATE,
    checkout: 'v1.0.0',
    payload: { ref: 'refs/tags/v1.0.0', after: sha, repository: repositoryPayload, head_commit: { id: sha } },
    suite,
  });
  return {
    result: r,
    check: async () => {
      expectRun(r, { exitCode: 1, jobs: cdJobs('production', { prepare: 'failure', deploy: 'skipped', promote: 'skipped', rollback: 'skipped', notify: 'success', images: true, frontend: false }) });
      expect(r.steps['backend/Sunday CD/Prepare backend for production › Validate the release tag']).toBe('failure');
      const pushed = r.outputs['backend-image/Sunday CI/backend · image › image-ref'];
      const digest = pushed.split('@')[1];
      expect(await tagDigest(stage, 'backend', '1.0.0')).toBe(digest);
      for (const tag of ['1.0', '1', 'latest']) expect([tag, await tagDigest(stage, 'backend', tag)]).not.toEqual([tag, digest]);
      // Nothing of the tag calls ran (the image call's own tag job is skipped, as on every build).
      expect(r.lines.filter((l) => /^(backend|frontend)-tags\//.test(l.job?.trim() ?? '')).map((l) => l.msg)).toEqual([]);
      expect(r.jobs['backend-image/Sunday CI/backend · moving tags']).toBe('skipped');
    },
  };
}
