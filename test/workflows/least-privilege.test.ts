/**
 * cd.yml's least-privilege rules, run for real rather than read:
 * - the ref guard step (bash, as the runner runs it) refuses refs the environment does not allow:
 *   production deploys from release tags only, rollbacks also from the default branch;
 * - a run started by hand that moves traffic does it in `<environment>-promote` (reviewers), the
 *   automatic rollback in the environment itself — the jobs' `environment.name` expressions
 *   evaluated by GitHub's own expression evaluator (@actions/expressions) for each event and mode.
 */
import { spawnSync } from 'node:child_process';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { loadWorkflows } from '../../scripts/workflow-lint/files.js';
import { isMapping, type Mapping } from '../../scripts/workflow-lint/workflow.js';
import { repoRoot } from '../harness.js';

const cd = loadWorkflows(repoRoot).reusable.find((w) => w.file.endsWith('/cd.yml'))!;
const guard = cd.steps().find((s) => s.jobId === 'prepare' && s.step.name === 'Ref guard')!;

function runGuard(env: Record<string, string>) {
  const run = spawnSync('bash', ['-e', '-c', String(guard.step.run)], { encoding: 'utf8', env: { PATH: process.env.PATH, DEFAULT_BRANCH: 'main', ALLOWED_REFS: '', ...env } });
  return { code: run.status, out: run.stdout.trim() };
}

describe('the ref guard', () => {
  test('takes its values from the run, never from an expression pasted into the script', () => {
    expect(guard.step.env).toEqual({
      ENVIRONMENT: '${{ inputs.environment }}',
      MODE: '${{ inputs.mode }}',
      REF: '${{ github.ref }}',
      DEFAULT_BRANCH: '${{ github.event.repository.default_branch }}',
      ALLOWED_REFS: '${{ inputs.allowed-refs }}',
    });
  });

  test.each([
    ['production', 'deploy', 'refs/tags/v1.4.2', '', 0],
    ['production', 'deploy', 'refs/heads/main', '', 1],
    ['production', 'deploy', 'refs/heads/feature/x', '', 1],
    ['production', 'rollback', 'refs/heads/main', '', 0],
    ['production', 'rollback', 'refs/tags/v1.4.2', '', 0],
    ['production', 'rollback', 'refs/heads/feature/x', '', 1],
    ['production', 'deploy', 'refs/tags/nightly', '', 1],
    ['staging', 'deploy', 'refs/heads/feature/x', '', 0],
    ['staging', 'rollback', 'refs/heads/any', '', 0],
    // allowed-refs replaces the defaults, for every environment
    ['staging', 'deploy', 'refs/heads/release/2.0', 'refs/heads/release/*\nrefs/tags/v*', 0],
    ['staging', 'deploy', 'refs/heads/main', 'refs/heads/release/*\nrefs/tags/v*', 1],
    ['production', 'deploy', 'refs/heads/hotfix', '  refs/heads/hotfix  ', 0],
  ])('%s %s from %s (allowed-refs %j) → exit %i', (environment, mode, ref, allowed, code) => {
    const r = runGuard({ ENVIRONMENT: environment, MODE: mode, REF: ref, ALLOWED_REFS: allowed });
    expect(r.code).toBe(code);
    if (code === 0) expect(r.out).toMatch(new RegExp(`^${ref.replace(/[.*/]/g, '\\$&')} may ${mode} to ${environment}`));
    else expect(r.out).toMatch(new RegExp(`^::error::${mode} to ${environment} is not allowed from ${ref.replace(/[.*/]/g, '\\$&')}; allowed refs: `));
  });

  test('one error line naming what is allowed', () => {
    const r = runGuard({ ENVIRONMENT: 'production', MODE: 'rollback', REF: 'refs/heads/feature/x' });
    expect(r.out).toBe('::error::rollback to production is not allowed from refs/heads/feature/x; allowed refs: refs/tags/v*, refs/heads/main');
  });
});

/** The value GitHub gives `expression` (the text inside `${{ }}`) for these contexts. */
function evaluate(expression: string, contexts: Record<string, Record<string, string>>): string {
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, Object.keys(contexts), []).parse();
  const dictionary = (values: Record<string, string>) => new data.Dictionary(...Object.entries(values).map(([key, value]) => ({ key, value: new data.StringData(value) })));
  const root = new data.Dictionary(...Object.entries(contexts).map(([key, values]) => ({ key, value: dictionary(values) })));
  return new Evaluator(tree, root).evaluate().coerceString();
}

const environmentOf = (jobId: string) => {
  const job = cd.jobs().find((j) => j.id === jobId)!.job;
  const name = isMapping(job.environment) ? String((job.environment as Mapping).name) : String(job.environment);
  // A template such as `${{ inputs.environment }}-promote`: each expression replaced by its value.
  return (event: string, inputs: Record<string, string>) =>
    name.replace(/\$\{\{(.*?)\}\}/g, (_whole, expression: string) => evaluate(expression.trim(), { github: { event_name: event }, inputs: { environment: 'production', ...inputs } }));
};

test.each([
  // job, event, inputs → the GitHub environment (whose protection rules apply)
  ['deploy', 'push', { promotion: 'manual' }, 'production'],
  ['deploy', 'push', { promotion: 'auto' }, 'production'],
  ['deploy', 'workflow_dispatch', { promotion: 'manual' }, 'production'],
  // By hand with promotion auto, the deploy job switches traffic: the reviewers approve it.
  ['deploy', 'workflow_dispatch', { promotion: 'auto' }, 'production-promote'],
  ['promote', 'push', { promotion: 'manual' }, 'production-promote'],
  ['promote', 'workflow_dispatch', { promotion: 'manual' }, 'production-promote'],
  // A rollback by hand waits for the reviewers; the automatic one (mode deploy) waits for no one.
  ['rollback', 'workflow_dispatch', { mode: 'rollback' }, 'production-promote'],
  ['rollback', 'workflow_dispatch', { mode: 'deploy' }, 'production'],
  ['rollback', 'push', { mode: 'deploy' }, 'production'],
])('%s on %s with %j runs in %s', (job, event, inputs, environment) => {
  expect(environmentOf(job)(event, inputs)).toBe(environment);
});
