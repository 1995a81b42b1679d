/** blue-green-deploy on both targets: deploy then promote, rollback, abort, migration from a plain Deployment, the lock; inputs. */
import { jest } from '@jest/globals';
import { kubeTargets } from '../cluster/target.js';
import { runPlainDeployment, startStage, type Stage } from './fixture.js';

jest.setTimeout(180_000);

describe.each(kubeTargets())('on the %s', (kind) => {
  describe('deploy, then promote in a second run (the approval-gated use)', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'bg-modes' });
      expect((await stage.deploy({ image: 'sunday/web:v1' })).outputs['active-color']).toBe('blue');
    });
    afterAll(() => stage.stop());

    test('mode deploy stages and gates green; traffic stays on blue', async () => {
      const r = await stage.deploy({ mode: 'deploy', image: 'sunday/web:v2', checks: '- url: /\n  expect-body: v2' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'false', 'rolled-back': 'false', deployment: 'web-green', image: 'sunday/web:v2' });
      expect(await stage.serving()).toBe('v1');
      expect(await stage.serving('web-preview')).toBe('v2');
    });

    test('mode promote switches to the staged green, checks it, and scales blue down', async () => {
      const r = await stage.deploy({ mode: 'promote', manifests: '', 'post-checks': '- url: /\n  expect-body: v2' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'green', 'previous-color': 'blue', promoted: 'true', deployment: 'web-green', image: 'sunday/web:v2' });
      expect(await stage.serving()).toBe('v2');
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(0);
    });

    test('mode rollback scales the previous colour back up, waits for it, and switches back', async () => {
      const r = await stage.deploy({ mode: 'rollback', manifests: '' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'green', promoted: 'false', 'rolled-back': 'true', image: 'sunday/web:v1' });
      expect(await stage.serving()).toBe('v1');
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(2);
      expect((await stage.service()).metadata.annotations?.['sunday.dev/previous-color']).toBe('green');
    });

    test('mode promote with nothing staged fails clearly', async () => {
      await stage.scale('web-green', 0);
      const r = await stage.deploy({ mode: 'promote', manifests: '' });
      expect(r.exitCode).toBe(1);
      expect(r.errors).toEqual(['Nothing is staged: web-green was not staged and gated by mode deploy since the last switch; run mode deploy first']);
      expect(r.outputs['active-color']).toBe('blue');
    });

    test('mode abort leaves the previous colour alone: it is kept for rollback, not staged', async () => {
      const r = await stage.deploy({ mode: 'abort', manifests: '' });
      expect(r.exitCode).toBe(0);
      expect(r.annotations.map((a) => a.message)).toContain('Nothing to abort: web-green is not a staged colour (it is kept for rollback)');
      expect(await stage.deployment('web-green')).toBeDefined();
    });

    test('mode abort removes the staged colour and leaves traffic alone', async () => {
      await stage.deploy({ mode: 'deploy', image: 'sunday/web:v5' });
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(2);
      const r = await stage.deploy({ mode: 'abort', manifests: '' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'false', deployment: 'web-green' });
      expect(await stage.deployment('web-green')).toBeUndefined();
      expect(await stage.serving()).toBe('v1');
    });

    test('a second rollback finds nothing older to go back to, and never rolls forward to green', async () => {
      const r = await stage.deploy({ mode: 'rollback', manifests: '' });
      expect(r.exitCode).toBe(1);
      expect(r.errors).toEqual(['Cannot roll back: no promoted revision older than revision 1, which serves now (history: 1 promoted, 2 rolled-back, 3 aborted)']);
      expect(await stage.serving()).toBe('v1');
    });
  });

  describe('migration from a plain Deployment', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'bg-migrate' });
      await runPlainDeployment(stage);
    });
    afterAll(() => stage.stop());

    test('the first deploy stages blue, switches, and leaves the old Deployment running untouched', async () => {
      expect(await stage.serving()).toBe('v0');
      const old = (await stage.deployment('web-deployment'))!;
      // As `kubectl apply` (client-side) left it: the last-applied annotation and kubectl's field manager.
      expect(old.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"name":"web-deployment"');
      expect((old.metadata.managedFields as Array<{ manager: string }>).map((entry) => entry.manager)).toContain('kubectl-client-side-apply');
      expect((await stage.service()).metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"selector":{"app":"web"}');
      const r = await stage.deploy({ image: 'sunday/web:v1' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'none', promoted: 'true' });
      expect(await stage.serving()).toBe('v1');
      expect((await stage.deployment('web-deployment'))?.metadata.resourceVersion).toBe(old.metadata.resourceVersion);
      expect(r.summary).toContain('Migrated: web selected pods without a colour');
      expect(JSON.parse((await stage.service()).metadata.annotations?.['sunday.dev/previous-selector'] ?? '{}')).toEqual({ app: 'web' });
    });

    test('rollback restores the old selector and scales blue to zero, so only the old pods serve', async () => {
      const r = await stage.deploy({ mode: 'rollback', manifests: '' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'none', 'previous-color': 'blue', 'rolled-back': 'true' });
      expect((await stage.service()).spec?.selector).toEqual({ app: 'web' });
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(0);
      await stage.servesOnly('v0');
    });
  });

  describe('one deploy per app at a time', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'bg-lock' });
      await stage.deploy({ image: 'sunday/web:v1' });
    });
    afterAll(() => stage.stop());

    test('a second run waits on the Lease, or fails after lock-timeout naming the holder', async () => {
      // The first run holds the lock for its scale-down delay after the switch: six seconds, so that the
      // impatient run below starts (a process start, slow on a loaded machine) while it is held.
      const first = stage.deploy({ image: 'sunday/web:v2', 'scale-down-delay': '6s' });
      const lease = await stage.api.waitFor('Lease', 'web-deploy', (object) => !!object.spec?.holderIdentity);
      const holder = lease.spec.holderIdentity as string;
      expect(holder).toMatch(/#build \(/);

      const impatient = await stage.deploy({ image: 'sunday/web:v3', 'lock-timeout': '300ms' });
      expect(impatient.exitCode).toBe(1);
      expect(impatient.errors[0]).toContain(`Another deploy of web holds the lock ${stage.namespace}/web-deploy: ${holder}`);
      // The first run may or may not have switched yet: the output says what the Service selects.
      expect(impatient.outputs).toMatchObject({ 'active-color': expect.stringMatching(/^(blue|green)$/), promoted: 'false', 'rolled-back': 'false' });
      expect(impatient.summary).toContain('Another deploy of web holds the lock');

      const patient = stage.deploy({ image: 'sunday/web:v3', 'lock-timeout': '30s' });
      const [a, b] = await Promise.all([first, patient]);
      expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
      expect(b.stdout).toContain('Waiting up to');
      expect(a.outputs['active-color']).toBe('green');
      expect(b.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'green' });
      expect(await stage.serving()).toBe('v3');
    });
  });

  describe('the very first deploy in two runs, gated by a Job manifest and checked through live-url', () => {
    let stage: Stage;
    beforeAll(async () => (stage = await startStage(kind, { name: 'bg-first' })));
    afterAll(() => stage.stop());

    test('mode deploy on an empty namespace stages blue and creates no stable Service yet', async () => {
      const { writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      writeFileSync(
        join(stage.workspace, 'migrate.yaml'),
        'apiVersion: batch/v1\nkind: Job\nmetadata: { name: migrate }\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [ { name: migrate, image: sunday/migrate:v1 } ]\n',
      );
      const r = await stage.deploy({ mode: 'deploy', image: 'sunday/web:v1', 'pre-deploy-job': 'migrate.yaml' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'none', promoted: 'false', deployment: 'web-blue' });
      expect(await stage.object('Service', 'web')).toBeUndefined();
      const jobs = await stage.list('Job');
      expect(jobs.map((job) => job.metadata.name)).toEqual([expect.stringMatching(/^migrate-\w+$/)]);
    });

    test('mode promote creates the stable Service from the manifests, selecting blue', async () => {
      const r = await stage.deploy({ mode: 'promote' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'none', promoted: 'true' });
      expect(await stage.serving()).toBe('v1');
    });

    test('post-checks go to live-url when it is given', async () => {
      const liveUrl = await stage.serviceUrl();
      const before = (await stage.requests()).filter((q) => q.path.includes('/proxy/')).length;
      const r = await stage.deploy({ image: 'sunday/web:v2', 'live-url': liveUrl, 'post-checks': '- url: /\n  expect-body: v2' });
      expect(r.errors).toEqual([]);
      expect(r.summary).toContain(`| ✅ | / | ${liveUrl}/ | 200 |`);
      expect((await stage.requests()).filter((q) => q.path.includes('/proxy/')).length).toBe(before);
    });
  });

  describe('rollback never puts back a release that is no longer there', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'bg-rollback-gone' });
      await stage.deploy({ image: 'sunday/web:v1' });
      await stage.deploy({ image: 'sunday/web:v2' });
    });
    afterAll(() => stage.stop());

    test('after mode deploy restaged the previous colour with v3, rollback redeploys v1 from the history through the gate instead of putting v3 live', async () => {
      await stage.deploy({ mode: 'deploy', image: 'sunday/web:v3' });
      const r = await stage.deploy({ mode: 'rollback', manifests: '', checks: '- url: /\n  expect-body: v1' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'rolled-back': 'true', image: 'sunday/web:v1', revision: '4', 'previous-revision': '2' });
      expect(r.summary).toMatch(/\| gated \| ✅ \|/);
      expect(r.annotations.map((a) => a.message)).toContain('Rolling back to revision 1 (sunday/web:v1) by deploying it again through the gate');
      expect(await stage.serving()).toBe('v1');
    });
  });

  describe('migration with approval: stage and gate first, promote later', () => {
    let stage: Stage;
    beforeAll(async () => {
      stage = await startStage(kind, { name: 'bg-migrate-approval' });
      await runPlainDeployment(stage);
    });
    afterAll(() => stage.stop());

    test('mode deploy pins the Service to the old pods, so the staged colour takes no traffic before promote', async () => {
      const r = await stage.deploy({ mode: 'deploy', image: 'sunday/web:v1', checks: '- url: /\n  expect-body: v1' });
      expect(r.errors).toEqual([]);
      expect(r.summary).toMatch(/\| pinned \| ✅ \|/);
      expect((await stage.service()).spec?.selector).toEqual({ app: 'web', 'pod-template-hash': expect.any(String) });
      const served = new Set<string>();
      for (let i = 0; i < 20; i++) served.add(await stage.serving());
      expect([...served]).toEqual(['v0']);
    });

    test('mode promote switches to blue; rollback brings the old pods back and only them', async () => {
      const promoted = await stage.deploy({ mode: 'promote', manifests: '' });
      expect(promoted.errors).toEqual([]);
      expect(promoted.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'none' });
      expect((await stage.service()).spec?.selector).toEqual({ app: 'web', 'sunday.dev/color': 'blue' });
      expect(await stage.serving()).toBe('v1');
      const back = await stage.deploy({ mode: 'rollback', manifests: '' });
      expect(back.errors).toEqual([]);
      expect((await stage.service()).spec?.selector).toEqual({ app: 'web' });
      await stage.servesOnly('v0');
      const served = new Set<string>();
      for (let i = 0; i < 10; i++) served.add(await stage.serving());
      expect([...served]).toEqual(['v0']);
    });
  });
});

// Input errors make no API request: one target is enough.
describe('inputs', () => {
  test.each([
    [{ app: '' }, "Input 'app' is required: the base name of the app (Deployments are <app>-blue and <app>-green)"],
    [{ app: 'Web_App' }, "Input 'app' must be a Kubernetes name: lower-case letters, digits and '-', at most 40 characters"],
    [{ mode: 'yolo' }, "Input 'mode' must be one of deploy, promote, deploy-and-promote, rollback, abort"],
    [{ manifests: '' }, "Input 'manifests' is required with mode deploy-and-promote: the app's Deployment and Service"],
    [{ 'rollout-timeout': 'ten minutes' }, "Input 'rollout-timeout' must be a duration such as '250ms', '30s', '5m', '1h' or '1m30s'"],
    [{ 'on-failure': 'explode' }, "Input 'on-failure' must be one of keep, delete"],
    [{ kubeconfig: 'missing/config' }, "Input 'kubeconfig' names a file that does not exist: missing/config"],
    [{ kubeconfig: 'eyJhbGciOiJSUzI1NiJ9.s3cr3t-t0ken' }, "Input 'kubeconfig' names a file that does not exist (the value is not shown: it may be a secret)"],
    [{ 'rollout-timeout': '99999999h' }, "Input 'rollout-timeout' must be a duration of at most 596h31m23.647s"],
    [{ 'scale-down-delay': '600h' }, "Input 'scale-down-delay' must be a duration of at most 596h31m23.647s"],
    [{ image: '--privileged' }, "Input 'image' must be an image reference such as registry/app@sha256:… or registry/app:1.2.3"],
    [{ image: 'sunday/web:v1; rm -rf /' }, "Input 'image' must be an image reference such as registry/app@sha256:… or registry/app:1.2.3"],
    [{ 'cluster-name': 'prod cluster!' }, "Input 'cluster-name' must be an EKS cluster name: 1 to 100 letters, digits, - and _, starting with a letter or digit"],
    [{ container: 'Web App' }, "Input 'container' must be a Kubernetes name: lower-case letters, digits and '-', at most 63 characters"],
    [{ manifests: 'k8s/' + 'x'.repeat(300) }, "Input 'manifests' must be a path whose every file or folder name has at most 255 bytes"],
    [{ 'role-to-assume': 'arn:aws:iam::123456789012:role/deploy' }, "Input 'aws-region' is required to reach AWS (role-to-assume is set)"],
    [{ 'cluster-name': 'sunday-prod' }, "Input 'role-to-assume' is required with cluster-name (EKS)"],
    [{ 'cluster-name': 'sunday-prod', 'role-to-assume': 'arn:aws:iam::123:role/x', 'aws-region': 'eu-west-1' }, "Input 'role-to-assume' must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy"],
    [{ checks: '- url: /x\n  expect-status: maybe' }, "Input 'checks' check 1: 'expect-status' must look like 200, 200,204 or 2xx,301"],
    [{ 'pre-deploy-job': 'job/backup' }, "Input 'pre-deploy-job' must be cronjob/<name> or the path of a Job manifest (.yaml, .yml or .json)"],
    [{ kubeconfig: '{"apiVersion": "v1", "users": [{"user": {"token": "s3cr3t-t0ken"}}]' }, "Input 'kubeconfig' is not a valid kubeconfig (YAML or JSON) in the kubeconfig input"],
  ])('%p → one error line, exit 1, nothing touched', async (inputs, message) => {
    const { runStep } = await import('../harness.js');
    const r = await runStep('blue-green-deploy', { inputs: { app: 'web', manifests: 'k8s', kubeconfig: 'apiVersion: v1\nclusters: []', ...inputs } });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([message]);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('s3cr3t-t0ken');
  });
});
