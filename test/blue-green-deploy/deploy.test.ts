/** blue-green-deploy's bundle against both Kubernetes targets (emulator and real control plane): the happy paths. */
import { jest } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { findLeaks } from '../../runner/index.js';
import { kubeTargets } from '../cluster/target.js';
import { startStage, appManifests, type Stage } from './fixture.js';

jest.setTimeout(180_000);

const ANN = 'sunday.dev/';

describe.each(kubeTargets())('on the %s', (kind) => {
  describe('colours alternate and traffic follows', () => {
    let stage: Stage;
    beforeAll(async () => (stage = await startStage(kind, { name: 'bg-deploy' }, { hpa: true, pdb: true })));
    afterAll(() => stage?.stop());

    test('first deploy: blue is staged, gated through the API proxy, and switched to', async () => {
      const r = await stage.deploy({ image: 'sunday/web:v1', checks: '- url: /healthz\n  expect-body: v1' }, { context: { sha: 'a'.repeat(40), actor: 'deployer' } });
      expect(r.errors).toEqual([]);
      expect(r.exitCode).toBe(0);
      expect(r.outputs).toEqual({ 'active-color': 'blue', 'previous-color': 'none', promoted: 'true', 'rolled-back': 'false', deployment: 'web-blue', image: 'sunday/web:v1', revision: '1', 'previous-revision': '', analysis: '', 'analysis-failed-metric': '' });
      expect(await stage.serving()).toBe('v1');
      const service = await stage.service();
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
      expect((await stage.object('ConfigMap', 'web-config'))?.data).toEqual({ LOG_LEVEL: 'info' });
      expect((await stage.service('web-preview')).spec.selector).toEqual({ app: 'web', 'sunday.dev/color': 'blue' });
      expect(r.summary).toContain('### ✅ web: deploy-and-promote done — blue serves');
      for (const step of ['lock', 'staged', 'available', 'gated', 'switched']) expect(r.summary).toMatch(new RegExp(`\\| ${step} \\| ✅ \\|`));
      // The lock is released at the end.
      expect(await stage.object('Lease', 'web-deploy')).toBeUndefined();
    });

    test('HPAs and PDBs follow the colour', async () => {
      const hpa = await stage.object('HorizontalPodAutoscaler', 'web-blue');
      expect(hpa?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'web-blue' });
      const pdb = await stage.object('PodDisruptionBudget', 'web-blue');
      expect(pdb?.spec.selector.matchLabels).toEqual({ app: 'web', 'sunday.dev/color': 'blue' });
      expect(await stage.object('HorizontalPodAutoscaler', 'web')).toBeUndefined();
    });

    test('blue → green: the staged colour starts at the serving replica count; blue is scaled to zero after the switch', async () => {
      // An HPA scaled blue up since the last deploy.
      await stage.scale('web-blue', 3);
      const r = await stage.deploy({ image: 'sunday/web:v2', 'post-checks': '- url: /\n  expect-body: v2' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'green', 'previous-color': 'blue', promoted: 'true', deployment: 'web-green', image: 'sunday/web:v2' });
      expect(await stage.serving()).toBe('v2');
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(3);
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(0);
      expect(await stage.deployment('web-blue')).toBeDefined(); // never deleted
      expect((await stage.object('HorizontalPodAutoscaler', 'web-green'))?.spec.scaleTargetRef.name).toBe('web-green');
    });

    test('green → blue, its API requests on a few kept-alive connections', async () => {
      const from = Date.now();
      const r = await stage.deploy({ image: 'sunday/web:v3' });
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'green', promoted: 'true' });
      // client-node alone opens a TCP and TLS connection per request (one per request, about 30);
      // the deploy's requests share the connection's pooled dispatcher. Up to 4 run at once (the
      // state is read in parallel), a watch holds one, and a pooled one may be closed when idle.
      const own = (await stage.requests()).filter((q) => q.time >= from && q.userAgent !== 'sunday-deploy-tests');
      expect(own.length).toBeGreaterThan(20);
      expect(new Set(own.map((q) => q.connection)).size).toBeLessThanOrEqual(8);
      expect(await stage.serving()).toBe('v3');
      expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(3);
      expect((await stage.deployment('web-green'))?.spec.replicas).toBe(0);
    });

    test('re-running the same deploy is harmless: nothing changes', async () => {
      const before = (await stage.service()).metadata.resourceVersion;
      const r = await stage.deploy({ image: 'sunday/web:v3' });
      expect(r.exitCode).toBe(0);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', 'previous-color': 'green', promoted: 'false', 'rolled-back': 'false', deployment: 'web-blue' });
      expect(r.annotations.map((a) => a.message)).toContain('sunday/web:v3 is already live on blue with these manifests: nothing to deploy');
      expect((await stage.service()).metadata.resourceVersion).toBe(before);
      expect(await stage.serving()).toBe('v3');
    });

    test('the same image with changed manifests is deployed, not skipped', async () => {
      stage.writeManifests(appManifests({ hpa: true, pdb: true }).replace('LOG_LEVEL: info', 'LOG_LEVEL: debug'));
      const r = await stage.deploy({ image: 'sunday/web:v3' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'green', promoted: 'true' });
      expect((await stage.object('ConfigMap', 'web-config'))?.data).toEqual({ LOG_LEVEL: 'debug' });
    });

    test('a 409 and a 500 on the Service during the switch are retried safely', async () => {
      const path = `/namespaces/${stage.namespace}/services/web`;
      await stage.injectFault({ verb: 'patch', path, status: 409, count: 1 });
      await stage.injectFault({ verb: 'patch', path, status: 500, count: 1 });
      const r = await stage.deploy({ image: 'sunday/web:v4' });
      expect(r.errors).toEqual([]);
      expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'true' });
      expect(await stage.serving()).toBe('v4');
      const patches = (await stage.requests()).filter((q) => q.method === 'PATCH' && q.path.includes(path) && !q.path.includes('preview'));
      expect(patches.length).toBeGreaterThanOrEqual(3);
    });
  });

  describe('TLS and credentials', () => {
    let stage: Stage;
    beforeAll(async () => (stage = await startStage(kind, { name: 'bg-tls' })));
    afterAll(() => stage?.stop());

    test('deploys and gates through the TLS API proxy; the credentials never show', async () => {
      expect(stage.target.url).toMatch(/^https:/);
      expect(stage.secrets.length).toBeGreaterThan(0);
      const r = await stage.deploy({ image: 'sunday/web:v1', checks: '- url: /healthz' });
      expect(r.errors).toEqual([]);
      expect(r.outputs['active-color']).toBe('blue');
      expect(await stage.serving()).toBe('v1');
      expect(findLeaks(r.stdout + r.stderr, stage.secrets)).toEqual([]);
      for (const secret of stage.secrets) expect(r.log).not.toContain(secret);
    });

    test('a wrong token is refused with a clear error and changes nothing', async () => {
      const config = parse(readFileSync(stage.kubeconfig, 'utf8')) as { users: Array<{ user: unknown }> };
      for (const entry of config.users) entry.user = { token: 'wrong-token-0000' };
      const r = await stage.deploy({ image: 'sunday/web:v2', kubeconfig: stringify(config) });
      expect(r.exitCode).toBe(1);
      expect(r.errors[0]).toMatch(/401|Unauthorized/);
      expect(await stage.serving()).toBe('v1');
    });

    test('kubeconfig content is accepted inline, as YAML or one-line JSON, and its credentials are masked', async () => {
      const text = readFileSync(stage.kubeconfig, 'utf8');
      const r = await stage.deploy({ image: 'sunday/web:v2', kubeconfig: text });
      expect(r.errors).toEqual([]);
      expect(findLeaks(r.stdout + r.stderr, stage.secrets)).toEqual([]);
      const json = await stage.deploy({ image: 'sunday/web:v3', kubeconfig: JSON.stringify(parse(text)) });
      expect(json.errors).toEqual([]);
      expect(findLeaks(json.stdout + json.stderr, stage.secrets)).toEqual([]);
    });
  });

  test('manifests from a kustomize overlay are rendered with kubectl kustomize', async () => {
    const stage = await startStage(kind, { name: 'bg-kustomize' });
    try {
      mkdirSync(join(stage.workspace, 'overlay', 'base'), { recursive: true });
      writeFileSync(join(stage.workspace, 'overlay', 'base', 'app.yaml'), appManifests());
      writeFileSync(join(stage.workspace, 'overlay', 'base', 'kustomization.yaml'), 'resources: [app.yaml]\n');
      writeFileSync(join(stage.workspace, 'overlay', 'kustomization.yaml'), 'resources: [base]\ncommonLabels: { tier: web }\n');
      const r = await stage.deploy({ manifests: 'overlay', image: 'sunday/web:v1' });
      expect(r.errors).toEqual([]);
      expect((await stage.deployment('web-blue'))?.metadata.labels).toMatchObject({ tier: 'web', 'sunday.dev/color': 'blue' });
      expect(await stage.serving()).toBe('v1');
    } finally {
      await stage.stop();
    }
  });
});
