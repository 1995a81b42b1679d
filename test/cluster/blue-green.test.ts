/**
 * blue-green-deploy on the real control plane: the scenarios only a real cluster can judge. The
 * EKS path with a token the API server verifies through our webhook authenticator (STS, access
 * entry → group → the published Role), and steady traffic through the Service's local port, which
 * on a real cluster follows EndpointSlices the endpoint controller updates after the switch.
 */
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { PRODUCTION_ROLE, startAwsWorld, type AwsWorld } from '../aws/fixtures/aws-world.js';
import { appManifests } from '../blue-green-deploy/fixture.js';
import { request, steadyTraffic } from '../deploy/traffic.js';
import { repoRoot, runStep } from '../harness.js';
import { kubectlFor } from '../kube/helpers.js';
import { startEksServer, type EksServer } from '../servers/eks/server.js';
import { kubeTargets, startTarget, type KubeTarget } from './target.js';

jest.setTimeout(180_000);

const EKS_CLUSTER = 'sunday-production';
const onCluster = kubeTargets().includes('cluster') ? describe : describe.skip;

onCluster('blue-green-deploy on the real control plane', () => {
  let target: KubeTarget;
  let world: AwsWorld;
  let eks: EksServer;
  let dir: string;
  let ns: string;
  let admin: ReturnType<typeof kubectlFor>['run'];

  beforeAll(async () => {
    target = await startTarget('cluster');
    world = await startAwsWorld();
    world.oidc.setClaims({ repository: 'sunday/app', environment: 'production' });
    await target.configureAuthenticator({ stsHost: new URL(world.sts.url).host, accessEntries: [{ principalArn: PRODUCTION_ROLE, groups: ['sunday:deployers'] }] });
    eks = await startEksServer({ lookup: (key) => world.sts.lookup(key), clusters: [{ name: EKS_CLUSTER, endpoint: target.url, caData: Buffer.from(target.caCert!).toString('base64') }] });
    dir = mkdtempSync(join(tmpdir(), 'bluegreen-cluster-'));
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(join(dir, 'k8s', 'app.yaml'), appManifests({ replicas: 2, readinessProbe: true }));
    ns = target.namespace('bluegreen');
    await target.writeKubeconfig(join(dir, 'admin'), { namespace: ns });
    await target.writeKubeconfig(join(dir, 'deployer'), { namespace: ns, context: 'deployer' });
    admin = kubectlFor(join(dir, 'admin')).run;
    expect((await admin(['create', 'namespace', ns])).code).toBe(0);
    const [role, binding] = parseAllDocuments(readFileSync(join(repoRoot, 'blue-green-deploy', 'rbac.yaml'), 'utf8')).map((doc) => doc.toJS());
    for (const object of [role, binding]) object.metadata.namespace = ns;
    expect((await admin(['apply', '-f', '-'], [stringify(role), stringify(binding)].join('---\n'))).stderr).toBe('');
  });
  afterAll(async () => {
    await target?.cleanup();
    await eks?.stop();
    await world?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const deploy = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runStep('blue-green-deploy', {
      workspace: dir,
      timeoutMs: 150_000,
      env,
      inputs: { app: 'web', namespace: ns, manifests: 'k8s', kubeconfig: join(dir, 'deployer'), 'scale-down-delay': '0s', 'rollout-timeout': '90s', ...inputs },
    });

  test('the EKS path: OIDC → STS → DescribeCluster → a k8s-aws-v1. token the API server verifies through the webhook', async () => {
    const r = await deploy(
      { kubeconfig: '', 'cluster-name': EKS_CLUSTER, 'aws-region': 'eu-west-1', 'role-to-assume': PRODUCTION_ROLE, image: 'sunday/web:v1', checks: '- url: /healthz\n  expect-body: v1' },
      { ...world.env, AWS_ENDPOINT_URL_EKS: eks.url },
    );
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'true' });
    // The API server asked our webhook, which verified the token with STS and mapped the role.
    expect((await target.tokenReviews()).filter((review) => review.authenticated).at(-1)?.username).toMatch(/^arn:aws:sts::123456789012:assumed-role\/sunday-deploy-production\//);
  });

  test('steady traffic through the Service during a v1 → v2 deploy-and-promote: no failed request', async () => {
    const url = await target.serviceUrl(ns, 'web');
    expect(await request(url)).toBe('v1');
    const traffic = steadyTraffic(url);
    const r = await deploy({ image: 'sunday/web:v2', checks: '- url: /\n  expect-body: v2' });
    await traffic.stop();
    const { seen, failures } = traffic;
    for (let i = 0; i < 5; i++) seen.push(await request(url));
    expect(r.errors).toEqual([]);
    expect(failures).toEqual([]);
    expect(seen[0]).toBe('v1');
    expect(seen.at(-1)).toBe('v2');
  });
});
