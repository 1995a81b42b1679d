/** blue-green-deploy's bundle against the local Kubernetes API: the happy paths. */
import { findLeaks } from '../../runner/index.js';
import { startStage, appManifests, type Stage } from './fixture.js';

const ANN = 'sunday.dev/';

describe('colours alternate and traffic follows', () => {
  let stage: Stage;
  beforeAll(async () => (stage = await startStage({}, { hpa: true, pdb: true })));
  afterAll(() => stage.stop());

  test('first deploy: blue is staged, gated through the API proxy, and switched to', async () => {
    const r = await stage.deploy({ image: 'sunday/web:v1', checks: '- url: /healthz\n  expect-body: v1' }, { context: { sha: 'a'.repeat(40), actor: 'deployer' } });
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toEqual({ 'active-color': 'blue', 'previous-color': 'none', promoted: 'true', 'rolled-back': 'false', deployment: 'web-blue', image: 'sunday/web:v1', revision: '1', 'previous-revision': '', analysis: '', 'analysis-failed-metric': '' });
    expect(await stage.serving()).toBe('v1');
    const service = stage.service();
    expect(service.spec.selector).toEqual({ app: 'web', 'sunday.dev/color': 'blue' });
    expect(service.metadata.annotations).toMatchObject({
      [`${ANN}active-color`]: 'blue',
      [`${ANN}previous-color`]: 'none',
      [`${ANN}image`]: 'sunday/web:v1',
      [`${ANN}revision`]: 'a'.repeat(40),
      [`${ANN}deployed-by`]: 'deployer',
      [`${ANN}run-url`]: 'https://github.com/sunday/app/actions/runs/1000001',
    });
    expect(service.metadata.annotations?.[`${ANN}deployed-at`]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(stage.kube.store.get('v1', 'ConfigMap', 'default', 'web-config')?.data).toEqual({ LOG_LEVEL: 'info' });
    expect(stage.kube.store.get('v1', 'Service', 'default', 'web-preview')?.spec.selector).toEqual({ app: 'web', 'sunday.dev/color': 'blue' });
    expect(r.summary).toContain('### ✅ web: deploy-and-promote done — blue serves');
    for (const step of ['lock', 'staged', 'available', 'gated', 'switched']) expect(r.summary).toMatch(new RegExp(`\\| ${step} \\| ✅ \\|`));
    expect(r.summary).toContain('| staged | ✅ |');
    // The lock is released at the end.
    expect(stage.kube.store.get('coordination.k8s.io/v1', 'Lease', 'default', 'web-deploy')).toBeUndefined();
  });

  test('HPAs and PDBs follow the colour', () => {
    const hpa = stage.kube.store.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'default', 'web-blue');
    expect(hpa?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'web-blue' });
    const pdb = stage.kube.store.get('policy/v1', 'PodDisruptionBudget', 'default', 'web-blue');
    expect(pdb?.spec.selector.matchLabels).toEqual({ app: 'web', 'sunday.dev/color': 'blue' });
    expect(stage.kube.store.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'default', 'web')).toBeUndefined();
  });

  test('blue → green: the staged colour starts at the serving replica count; blue is scaled to zero after the switch', async () => {
    // An HPA scaled blue up since the last deploy.
    const blue = stage.deployment('web-blue')!;
    stage.kube.store.put({ ...blue, spec: { ...blue.spec, replicas: 3 } });
    const r = await stage.deploy({ image: 'sunday/web:v2', 'post-checks': '- url: /\n  expect-body: v2' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'active-color': 'green', 'previous-color': 'blue', promoted: 'true', deployment: 'web-green', image: 'sunday/web:v2' });
    expect(await stage.serving()).toBe('v2');
    expect(stage.deployment('web-green')?.spec.replicas).toBe(3);
    expect(stage.deployment('web-blue')?.spec.replicas).toBe(0);
    expect(stage.deployment('web-blue')).toBeDefined(); // never deleted
    expect(stage.kube.store.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'default', 'web-green')?.spec.scaleTargetRef.name).toBe('web-green');
  });

  test('green → blue', async () => {
    const r = await stage.deploy({ image: 'sunday/web:v3' });
    expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'green', promoted: 'true' });
    expect(await stage.serving()).toBe('v3');
    expect(stage.deployment('web-blue')?.spec.replicas).toBe(3);
    expect(stage.deployment('web-green')?.spec.replicas).toBe(0);
  });

  test('re-running the same deploy is harmless: nothing changes', async () => {
    const before = stage.service().metadata.resourceVersion;
    const r = await stage.deploy({ image: 'sunday/web:v3' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'green', promoted: 'false', 'rolled-back': 'false', deployment: 'web-blue' });
    expect(r.annotations.map((a) => a.message)).toContain('sunday/web:v3 is already live on blue with these manifests: nothing to deploy');
    expect(stage.service().metadata.resourceVersion).toBe(before);
    expect(await stage.serving()).toBe('v3');
  });

  test('the same image with changed manifests is deployed, not skipped', async () => {
    stage.writeManifests(appManifests({ hpa: true, pdb: true }).replace('LOG_LEVEL: info', 'LOG_LEVEL: debug'));
    const r = await stage.deploy({ image: 'sunday/web:v3' });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ 'active-color': 'green', promoted: 'true' });
    expect(stage.kube.store.get('v1', 'ConfigMap', 'default', 'web-config')?.data).toEqual({ LOG_LEVEL: 'debug' });
  });

  test('a 409 and a 500 on the Service during the switch are retried safely', async () => {
    stage.kube.injectFault({ verb: 'patch', path: '/services/web', status: 409, count: 1 });
    stage.kube.injectFault({ verb: 'patch', path: '/services/web', status: 500, count: 1 });
    const r = await stage.deploy({ image: 'sunday/web:v4' });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'true' });
    expect(await stage.serving()).toBe('v4');
    const patches = stage.kube.requests.filter((q) => q.method === 'PATCH' && q.path.includes('/services/web') && !q.path.includes('preview'));
    expect(patches.length).toBeGreaterThanOrEqual(3);
  });
});

describe('against a strict API server (TLS, tokens, field managers)', () => {
  let stage: Stage;
  beforeAll(async () => (stage = await startStage({ strict: true })));
  afterAll(() => stage.stop());

  test('deploys and gates through the TLS API proxy; the token never shows', async () => {
    expect(stage.kube.url).toMatch(/^https:/);
    const r = await stage.deploy({ image: 'sunday/web:v1', checks: '- url: /healthz' });
    expect(r.errors).toEqual([]);
    expect(r.outputs['active-color']).toBe('blue');
    expect(await stage.serving()).toBe('v1');
    expect(findLeaks(r.stdout + r.stderr, [stage.kube.token!])).toEqual([]);
    expect(r.log).not.toContain(stage.kube.token!);
  });

  test('a wrong token is refused with a clear error and changes nothing', async () => {
    const kubeconfig = (await import('node:fs')).readFileSync(stage.kubeconfig, 'utf8').replace(stage.kube.token!, 'wrong-token-0000');
    const r = await stage.deploy({ image: 'sunday/web:v2', kubeconfig });
    expect(r.exitCode).toBe(1);
    expect(r.errors[0]).toMatch(/401|Unauthorized/);
    expect(await stage.serving()).toBe('v1');
  });
});

test('manifests from a kustomize overlay are rendered with kubectl kustomize', async () => {
  const stage = await startStage();
  try {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(stage.workspace, 'overlay', 'base'), { recursive: true });
    writeFileSync(join(stage.workspace, 'overlay', 'base', 'app.yaml'), appManifests());
    writeFileSync(join(stage.workspace, 'overlay', 'base', 'kustomization.yaml'), 'resources: [app.yaml]\n');
    writeFileSync(join(stage.workspace, 'overlay', 'kustomization.yaml'), 'resources: [base]\ncommonLabels: { tier: web }\n');
    const r = await stage.deploy({ manifests: 'overlay', image: 'sunday/web:v1' });
    expect(r.errors).toEqual([]);
    expect(stage.deployment('web-blue')?.metadata.labels).toMatchObject({ tier: 'web', 'sunday.dev/color': 'blue' });
    expect(await stage.serving()).toBe('v1');
  } finally {
    await stage.stop();
  }
});
