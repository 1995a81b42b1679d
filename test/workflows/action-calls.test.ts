/**
 * Our own check of calls to the suite's actions (GitHub's parser skips them, actionlint cannot
 * resolve them): only inputs the action.yml declares, every required one, declared outputs only.
 */
import { checkActionCalls, suiteActionOf } from '../../scripts/workflow-lint/action-calls.js';
import { allWorkflows, loadActionContracts, loadWorkflows } from '../../scripts/workflow-lint/files.js';
import { formatFindings } from '../../scripts/workflow-lint/workflow.js';
import { repoRoot } from '../harness.js';

const set = loadWorkflows(repoRoot);
const contracts = loadActionContracts(repoRoot);
const reusable = (name: string) => set.reusable.find((w) => w.file === `.github/workflows/${name}`)!;

test('the seven actions are the contracts', () => {
  expect([...contracts.keys()].sort()).toEqual(['blue-green-deploy', 'build-multiarch', 'canary-deploy', 'slack-notify', 'smoke-test', 'trivy-gate', 'validate-release']);
});

test('uses: names the suite action, remote or local, and nothing else', () => {
  expect(suiteActionOf('sunday/actions/smoke-test@v1')).toEqual({ name: 'smoke-test', ref: 'v1' });
  expect(suiteActionOf('./validate-release')).toEqual({ name: 'validate-release' });
  expect(suiteActionOf('sunday/actions/.github/workflows/ci.yml@v1')).toBeUndefined();
  expect(suiteActionOf('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1')).toBeUndefined();
});

test('every call of one of our actions passes declared inputs, all required ones, and reads declared outputs', () => {
  const findings = allWorkflows(set).flatMap((w) => checkActionCalls(w, contracts));
  expect(formatFindings(findings)).toBe('');
});

test('the reusable workflows call every one of the seven actions, by @v1', () => {
  const used = new Set(
    set.reusable.flatMap((w) => w.steps().map((s) => (typeof s.step.uses === 'string' ? suiteActionOf(s.step.uses) : undefined))).filter((a) => a?.ref === 'v1').map((a) => a!.name),
  );
  expect([...used].sort()).toEqual([...contracts.keys()].sort());
});

describe('broken copies are caught', () => {
  test('a bad input name', () => {
    const broken = reusable('cd.yml').withReplaced('update-ts: ${{ needs.prepare.outputs.slack-ts }}', 'update_ts: ${{ needs.prepare.outputs.slack-ts }}');
    const findings = checkActionCalls(broken, contracts);
    expect(findings).toEqual([expect.objectContaining({ rule: 'action-input', message: expect.stringMatching(/^slack-notify has no input 'update_ts'/) })]);
    expect(broken.text.split('\n')[findings[0].line - 1]).toContain('update_ts:');
  });

  test('a required input left out', () => {
    const broken = reusable('ci.yml').withReplaced('          image: ${{ inputs.image }}\n', '');
    expect(checkActionCalls(broken, contracts)).toEqual([expect.objectContaining({ rule: 'action-input', message: "build-multiarch requires input 'image'" })]);
  });

  test('an output the action does not declare', () => {
    const broken = reusable('ci.yml').withReplaced('IMAGE_REF: ${{ steps.build.outputs.image-ref }}', 'IMAGE_REF: ${{ steps.build.outputs.imageref }}');
    expect(checkActionCalls(broken, contracts)).toEqual([expect.objectContaining({ rule: 'action-output', message: expect.stringMatching(/no output 'imageref'/) })]);
  });

  test('an action the suite does not have, and a local call in our own workflow', () => {
    const own = set.own.find((w) => w.file.endsWith('self-release.yml'))!;
    expect(checkActionCalls(own, contracts)).toEqual([]);
    const broken = own.withReplaced('uses: ./validate-release', 'uses: ./validate-releases');
    expect(checkActionCalls(broken, contracts)).toEqual([expect.objectContaining({ rule: 'action-unknown' })]);
  });
});
