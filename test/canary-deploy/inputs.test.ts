/**
 * Every input error of both deploy actions — manifests and the pre-deploy Job included — comes
 * before any API request, on both Kubernetes targets (the requests counted by the target: the
 * emulator's own record, the real cluster's fault proxy).
 */
import { jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStage, type Stage } from '../blue-green-deploy/fixture.js';
import { kubeTargets } from '../cluster/target.js';

jest.setTimeout(120_000);

describe.each(kubeTargets())('on the %s', (kind) => {
let stage: Stage;
beforeAll(async () => {
  stage = await startStage(kind, { name: 'deploy-inputs' });
  writeFileSync(join(stage.workspace, 'two-jobs.yaml'), 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: a }\n---\napiVersion: batch/v1\nkind: Job\nmetadata: { name: b }\n');
  writeFileSync(join(stage.workspace, 'broken.yaml'), 'apiVersion: v1\nkind: [\n');
  writeFileSync(join(stage.workspace, 'no-deployment.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n');
});
afterAll(() => stage?.stop());

const both: Array<[Record<string, string>, string]> = [
  [{ manifests: 'k8s/typo.yaml' }, "Input 'manifests' names k8s/typo.yaml, which matches no file"],
  [{ manifests: 'broken.yaml' }, "Input 'manifests' cannot be used: broken.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1:"],
  [{ manifests: 'no-deployment.yaml' }, "Input 'manifests' cannot be used: The manifests hold no Deployment: give the app's Deployment in 'manifests'"],
  [{ 'pre-deploy-job': 'migrate.yaml' }, "Input 'pre-deploy-job' cannot be used: migrate.yaml matches no file"],
  [{ 'pre-deploy-job': 'two-jobs.yaml' }, "Input 'pre-deploy-job' must name a file holding exactly one Job: two-jobs.yaml holds 2"],
  [{ revision: '3' }, "Input 'revision' is for mode rollback (the history revision to go back to), not mode deploy-and-promote"],
  [{ mode: 'rollback', revision: 'latest' }, "Input 'revision' must be a whole number of at least 1"],
  [{ mode: 'yolo' }, "Input 'mode' must be one of deploy, promote, deploy-and-promote, rollback, abort"],
  [{ 'scale-down-delay': 'soon' }, "Input 'scale-down-delay' must be a duration such as '250ms', '30s', '5m', '1h' or '1m30s'"],
];
const canaryOnly: Array<[Record<string, string>, string]> = [
  [{ analysis: 'metrics:\n  - name: error-rate\n    query: sum(up)\n    success: below 0.1', 'prometheus-url': 'http://127.0.0.1:9' }, "Input 'analysis' metrics[0].success: must be a condition such as '< 0.001', '>= 0.99' or 'ratio <= 1.2' (operators <, <=, >, >=, ==)"],
  [{ analysis: 'metrics:\n  - name: up\n    query: sum(up)\n    success: "> 0"' }, "Input 'prometheus-url' is required by the analysis (or give 'prometheus' in the spec)"],
  [{ analysis: 'metrics:\n  - name: up\n    query: sum(up)\n    success: "> 0"', 'prometheus-url': 'http://127.0.0.1:9', 'prometheus-auth': 'bearer' }, "Input 'prometheus-token' is required when prometheus-auth is bearer"],
  [{ steps: '50,10,100' }, "Input 'steps' must be percentages from 1 to 100, strictly increasing and ending at 100, such as '10,50,100'"],
  [{ steps: '10,50' }, "Input 'steps' must be percentages from 1 to 100, strictly increasing and ending at 100, such as '10,50,100'"],
  [{ 'step-pause': 'a minute' }, "Input 'step-pause' must be a duration such as '250ms', '30s', '5m', '1h' or '1m30s'"],
];

const blueGreenOnly: Array<[Record<string, string>, string]> = [
  [{ 'post-promotion-analysis': 'interval: 1s\nmetrics:\n  - name: p95\n    query: sum(rate(x{pod=~"{{pod}}"}[5s]))\n    success: "< 0.2"', 'prometheus-url': 'http://127.0.0.1:9' }, "Input 'post-promotion-analysis' metrics[0].query: has an unknown placeholder {{pod}}; known are {{app}}, {{namespace}}, {{color}}, {{live-color}}, {{revision}}"],
  [{ 'pre-promotion-analysis': 'count: 0\nmetrics: []', 'prometheus-url': 'http://127.0.0.1:9' }, "Input 'pre-promotion-analysis' count: must be a whole number from 1 to 1000"],
  [{ 'pre-promotion-analysis': 'metrics:\n  - name: up\n    query: sum(up)\n    success: "> 0"', 'prometheus-url': 'http://127.0.0.1:9', 'prometheus-auth': 'sigv4' }, "Input 'role-to-assume' is required when prometheus-auth is sigv4: the request is signed with the credentials of that role, taken through GitHub OIDC"],
];

describe.each([
  ['blue-green-deploy', [...both, ...blueGreenOnly]],
  ['canary-deploy', [...both, ...canaryOnly]],
] as const)('%s', (action, cases) => {
  test.each(cases)('%p → one error line, exit 1, zero API requests', async (inputs, message) => {
    const before = (await stage.requests()).length;
    const run = action === 'canary-deploy' ? stage.canary : stage.deploy;
    const r = await run({ image: 'sunday/web:v1', ...inputs });
    expect(r.errors).toEqual([message]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    expect((await stage.requests()).length).toBe(before);
  });
});
});
