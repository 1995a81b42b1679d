/**
 * blue-green-deploy with exactly the published Role (blue-green-deploy/rbac.yaml) on the real API
 * server, as the `deployer` identity (group sunday:deployers): the deploy works; without any one of
 * its rules it fails at the step that needs it, with an error naming the verb and resource, and
 * never by a timeout. Only a real API server can show this: the emulator has no RBAC.
 */
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { appManifests } from '../blue-green-deploy/fixture.js';
import { repoRoot, runStep } from '../harness.js';
import { kubectlFor } from '../kube/helpers.js';
import { startTarget, kubeTargets, type KubeTarget } from './target.js';

jest.setTimeout(180_000);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const [publishedRole, publishedBinding] = parseAllDocuments(readFileSync(join(repoRoot, 'blue-green-deploy', 'rbac.yaml'), 'utf8')).map((doc) => doc.toJS());
const rules = publishedRole.rules as Rule[];

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: { name: database-backup }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          containers: [ { name: backup, image: sunday/backup:v1 } ]
`;

const onCluster = kubeTargets().includes('cluster') ? describe : describe.skip;

onCluster('the published Role on the real API server', () => {
  let target: KubeTarget;
  let dir: string;
  beforeAll(async () => {
    target = await startTarget('cluster');
    dir = mkdtempSync(join(tmpdir(), 'rbac-'));
  });
  afterAll(async () => {
    await target?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A namespace with the Role (minus `without`), its binding, the app's CronJob; two deploys as the deployer. */
  async function deployWith(name: string, without?: number) {
    const ns = target.namespace(name);
    const workspace = join(dir, name);
    mkdirSync(join(workspace, 'k8s'), { recursive: true });
    writeFileSync(join(workspace, 'k8s', 'app.yaml'), appManifests({ hpa: true, pdb: true }));
    await target.writeKubeconfig(join(workspace, 'admin'), { namespace: ns });
    await target.writeKubeconfig(join(workspace, 'deployer'), { namespace: ns, context: 'deployer' });
    const admin = kubectlFor(join(workspace, 'admin')).run;
    const role = { ...publishedRole, metadata: { ...publishedRole.metadata, namespace: ns }, rules: rules.filter((_, i) => i !== without) };
    const binding = { ...publishedBinding, metadata: { ...publishedBinding.metadata, namespace: ns } };
    expect((await admin(['create', 'namespace', ns])).code).toBe(0);
    const applied = await admin(['apply', '-n', ns, '-f', '-'], [stringify(role), stringify(binding), CRONJOB].join('---\n'));
    expect(applied.stderr).toBe('');
    const deploy = (image: string) =>
      runStep('blue-green-deploy', {
        workspace,
        timeoutMs: 150_000,
        // Post-checks through the API server's proxy: the wait for the Service's Endpoints needs its rule.
        inputs: { app: 'web', namespace: ns, manifests: 'k8s', kubeconfig: join(workspace, 'deployer'), image, checks: '- url: /healthz', 'post-checks': '- url: /healthz', 'pre-deploy-job': 'cronjob/database-backup', 'scale-down-delay': '0s', 'rollout-timeout': '60s' },
      });
    const first = await deploy('sunday/web:v1');
    const second = first.exitCode === 0 ? await deploy('sunday/web:v2') : undefined;
    return { first, second };
  }

  test('with every rule: first deploy, then a switch to green', async () => {
    const { first, second } = await deployWith('rbac-all');
    expect(first.errors).toEqual([]);
    expect(second?.errors).toEqual([]);
    expect(second?.outputs).toMatchObject({ 'active-color': 'green', promoted: 'true' });
  });

  // Every rule: `pods: list` too, since the wait for the endpoints after each switch lists the pods
  // the Service selects.
  const exercised = rules.map((rule, index) => [`${rule.apiGroups[0] || 'core'}/${rule.resources.join(',')}`, index] as const);
  test.each(exercised)('without the rule for %s the deploy fails naming it', async (_label, index) => {
    const rule = rules[index];
    const started = Date.now();
    const { first, second } = await deployWith(`rbac-${index}`, index);
    const failed = first.exitCode !== 0 ? first : second!;
    expect(failed.exitCode).toBe(1);
    const [resource, subresource] = rule.resources[0].split('/');
    // The API server's Forbidden message: cannot <verb> resource "<resource>" [in API group "<group>"].
    const named = new RegExp(`cannot (${rule.verbs.join('|')}) resource "${resource}"${subresource ? `/${subresource}` : ''}`);
    expect(failed.errors.join('\n')).toMatch(subresource ? /forbidden|403/i : named);
    expect(failed.errors.join('\n')).not.toMatch(/timed out/i);
    // A missing permission fails fast, not at the rollout timeout.
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
