/**
 * GitHub's own workflow parser (@actions/workflow-parser, bundled with ncc once for this file)
 * over every workflow and template: keys, expressions and the contexts they may use, and — with
 * our reusable workflows served locally as sunday/actions/.github/workflows/<x>.yml@v1 — the
 * inputs and secrets of every call to them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allWorkflows, loadWorkflows, REUSABLE_WORKFLOWS, SUITE_REPOSITORY } from '../../scripts/workflow-lint/files.js';
import { bundleWorkflowParser, runWorkflowParser } from '../../scripts/workflow-lint/validators.js';
import type { Workflow } from '../../scripts/workflow-lint/workflow.js';
import { repoRoot } from '../harness.js';

const set = loadWorkflows(repoRoot);
const reusable: Record<string, Workflow> = Object.fromEntries(
  set.reusable.map((w) => [`${SUITE_REPOSITORY}/.github/workflows/${w.file.split('/').pop()}@v1`, w]),
);
const template = (name: string) => set.templates.find((w) => w.file === `workflow-templates/${name}`)!;
const reusableFile = (name: string) => set.reusable.find((w) => w.file === `.github/workflows/${name}`)!;

let bundleDir: string;
let bundle: string;
const parse = (workflows: Workflow[]) => runWorkflowParser(bundle, workflows, reusable);

beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), 'sunday-workflow-parser-'));
  bundle = bundleWorkflowParser(bundleDir);
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

test('the reusable workflows, our own workflows and the templates are all there', () => {
  expect(set.reusable.map((w) => w.file).sort()).toEqual(REUSABLE_WORKFLOWS.map((name) => `.github/workflows/${name}`).sort());
  expect(set.own.map((w) => w.file)).toEqual(expect.arrayContaining(['.github/workflows/self-release.yml', '.github/workflows/self-test.yml']));
  expect(set.templates.map((w) => w.file).sort()).toEqual(
    ['sunday-cd.yml', 'sunday-ci.yml', 'sunday-e2e.yml'].map((name) => `workflow-templates/${name}`),
  );
});

test('every workflow and template passes GitHub\'s parser, reusable-workflow calls included', () => {
  const workflows = allWorkflows(set);
  const results = parse(workflows);
  expect(results.map((r) => r.name)).toEqual(workflows.map((w) => w.file));
  expect(results.filter((r) => r.errors.length)).toEqual([]);
});

test('the templates really resolve the reusable workflows they call', () => {
  // A call to a workflow the provider cannot serve is an error: proof that the calls were followed.
  const missing = runWorkflowParser(bundle, [template('sunday-ci.yml')], {});
  expect(missing[0].errors.join('\n')).toMatch(/Unable to find reusable workflow/);
});

describe('broken copies are caught', () => {
  test.each([
    ['a misspelt input of a reusable workflow', 'sunday-ci.yml', 'app: backend', 'ap: backend', /Invalid input, ap is not defined in the referenced workflow/],
    ['a missing required input', 'sunday-e2e.yml', "base-url: ${{ vars.E2E_BASE_URL || 'https://staging.sunday.com' }}", '', /Input base-url is required/],
    ['a secret the workflow does not declare', 'sunday-cd.yml', 'slack-bot-token: ${{ secrets.SLACK_BOT_TOKEN }}', 'slack-token: ${{ secrets.SLACK_BOT_TOKEN }}', /Invalid secret, slack-token is not defined/],
  ])('%s', (_label, file, search, replacement, error) => {
    const [result] = parse([template(file).withReplaced(search, replacement)]);
    expect(result.errors.join('\n')).toMatch(error);
  });

  test('a context that is not available where it is used', () => {
    const broken = reusableFile('cd.yml').withReplaced("if: steps.slack.outputs.token == 'yes' && inputs.slack-channel != ''", "if: secrets.slack-bot-token != ''");
    expect(parse([broken])[0].errors.join('\n')).toMatch(/Unrecognized named-value: 'secrets'/);
  });

  test('an unknown key', () => {
    const broken = reusableFile('ci.yml').withReplaced('timeout-minutes: 30', 'timeout-minute: 30');
    expect(parse([broken])[0].errors.join('\n')).toMatch(/Unexpected value 'timeout-minute'/);
  });
});
