/** The hardening rules (scripts/workflow-lint/security.ts) over every workflow and template. */
import { loadWorkflows } from '../../scripts/workflow-lint/files.js';
import { checkSecurity, checkSharedConcurrency } from '../../scripts/workflow-lint/security.js';
import { formatFindings, type Workflow } from '../../scripts/workflow-lint/workflow.js';
import { repoRoot } from '../harness.js';

const set = loadWorkflows(repoRoot);
const file = (name: string) => [...set.reusable, ...set.own, ...set.templates].find((w) => w.file.endsWith(`/${name}`))!;
const rulesOf = (workflow: Workflow, own = false) => checkSecurity(workflow, own).map((f) => f.rule);

test('every workflow and template follows the rules', () => {
  const findings = [
    ...set.reusable.flatMap((w) => checkSecurity(w)),
    ...set.templates.flatMap((w) => checkSecurity(w)),
    ...set.own.flatMap((w) => checkSecurity(w, true)),
    ...checkSharedConcurrency([...set.templates, ...set.own], set.reusable),
  ];
  expect(formatFindings(findings)).toBe('');
});

test('id-token: write is on exactly the jobs that reach AWS', () => {
  const withIdToken = [...set.reusable, ...set.templates].flatMap((w) =>
    w.jobs().filter(({ job }) => (job.permissions as Record<string, string>)['id-token'] === 'write').map(({ id }) => `${w.file.split('/').pop()}:${id}`),
  );
  expect(withIdToken.sort()).toEqual(
    [
      'ci.yml:image',
      'ci.yml:tag',
      'ci.yml:image-amd64',
      'ci.yml:image-arm64',
      'cd.yml:deploy',
      'cd.yml:promote',
      'cd.yml:rollback',
      'sunday-ci.yml:backend',
      'sunday-ci.yml:frontend',
      'sunday-cd.yml:backend-image',
      'sunday-cd.yml:frontend-image',
      'sunday-cd.yml:backend',
      'sunday-cd.yml:frontend',
      'sunday-cd.yml:backend-tags',
      'sunday-cd.yml:frontend-tags',
    ].sort(),
  );
});

describe('broken copies are caught', () => {
  test('a job without permissions', () => {
    const broken = file('ci.yml').withReplaced('    permissions:\n      contents: read\n    defaults:\n      run:\n        shell: bash\n        working-directory', '    defaults:\n      run:\n        shell: bash\n        working-directory');
    expect(checkSecurity(broken)).toEqual([expect.objectContaining({ rule: 'job-permissions', message: "job 'test' declares no permissions" })]);
  });

  test('write-all, and a workflow that grants at the top', () => {
    expect(rulesOf(file('e2e.yml').withReplaced('    permissions: {}\n    outputs:', '    permissions: write-all\n    outputs:'))).toEqual(['job-permissions']);
    expect(rulesOf(file('e2e.yml').withReplaced('permissions: {}\n\njobs:', 'permissions:\n  contents: write\n\njobs:'))).toEqual(['workflow-permissions']);
  });

  test('an untrusted expression in run:', () => {
    const broken = file('ci.yml').withReplaced('run: npm ci --no-audit --no-fund', 'run: echo "${{ github.event.pull_request.title }}"');
    expect(checkSecurity(broken)).toEqual([
      expect.objectContaining({ rule: 'expression-in-run', message: expect.stringMatching(/^untrusted \$\{\{ github.event.pull_request.title \}\}/) }),
    ]);
  });

  test('any expression in run:, even a trusted one', () => {
    expect(rulesOf(file('e2e.yml').withReplaced('npx --no-install playwright test "${args[@]}"', 'npx --no-install playwright test "${args[@]}" --workers=${{ inputs.shards }}'))).toEqual(['expression-in-run']);
  });

  test('an unpinned third-party action, and a pin without its version comment', () => {
    expect(rulesOf(file('ci.yml').withReplaced('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1', 'actions/checkout@v7'))).toEqual(['unpinned-action']);
    expect(rulesOf(file('e2e.yml').withReplaced('db07bd9765aac508ef18982e52ab937fe633a065 # v1.2.1', 'db07bd9765aac508ef18982e52ab937fe633a065'))).toEqual(['unpinned-action']);
    expect(rulesOf(file('self-test.yml').withReplaced('actions/setup-node@820762786026740c76f36085b0efc47a31fe5020', 'actions/setup-node@82076278'), true)).toEqual(['unpinned-action']);
  });

  test('the suite by branch, and a local action path in a reusable workflow', () => {
    expect(rulesOf(file('sunday-ci.yml').withReplaced('ci.yml@v1', 'ci.yml@main'))).toEqual(['suite-ref']);
    expect(rulesOf(file('cd.yml').withReplaced('uses: sunday/actions/blue-green-deploy@v1', 'uses: ./blue-green-deploy'))).toEqual(['suite-ref']);
  });

  test('id-token: write where no AWS role is assumed, and a role without it', () => {
    expect(rulesOf(file('e2e.yml').withReplaced('    permissions:\n      contents: read\n    strategy:', '    permissions:\n      contents: read\n      id-token: write\n    strategy:'))).toEqual(['id-token', 'id-token-pull-request']);
    expect(rulesOf(file('cd.yml').withReplaced('      contents: read\n      id-token: write # OIDC to EKS\n    outputs:\n      active-color: ${{ steps.rollback', '      contents: read\n    outputs:\n      active-color: ${{ steps.rollback'))).toEqual(['id-token']);
  });

  test('a secret given to a whole job (every step of it) instead of the step that uses it', () => {
    const broken = file('cd.yml').withReplaced('    defaults:\n      run:\n        shell: bash\n    outputs:\n      namespace:', '    defaults:\n      run:\n        shell: bash\n    env:\n      SLACK_BOT_TOKEN: ${{ secrets.slack-bot-token }}\n    outputs:\n      namespace:');
    expect(checkSecurity(broken)).toEqual([expect.objectContaining({ rule: 'secret-scope', message: "job 'prepare': env SLACK_BOT_TOKEN holds a secret for every step; give it to the steps that use it" })]);
    expect(rulesOf(file('e2e.yml').withReplaced('permissions: {}\n\njobs:', 'permissions: {}\n\nenv:\n  TOKEN: ${{ secrets.token }}\n\njobs:'))).toEqual(['secret-scope']);
  });

  test('a job with id-token: write that can run for a pull request', () => {
    const broken = file('ci.yml').withReplaced("!cancelled() && inputs.image != '' && needs.test.result == 'success' && github.event_name != 'pull_request' &&", "!cancelled() && inputs.image != '' && needs.test.result == 'success' &&");
    expect(checkSecurity(broken)).toEqual([expect.objectContaining({ rule: 'id-token-pull-request', message: expect.stringContaining("job 'image' holds id-token: write and can run for a pull request") })]);
    expect(rulesOf(file('cd.yml').withReplaced("if: inputs.mode == 'deploy' && github.event_name != 'pull_request'", "if: inputs.mode == 'deploy'"))).toEqual(['id-token-pull-request']);
  });

  test('pull_request_target', () => {
    expect(rulesOf(file('sunday-e2e.yml').withReplaced('  pull_request:\n', '  pull_request_target:\n'))).toEqual(['pull-request-target']);
  });

  test('a deploy job without concurrency, or one that cancels a deploy half-way', () => {
    const deployGroup = '    concurrency:\n      group: sunday-cd-${{ github.repository }}-${{ inputs.environment }}-${{ inputs.app }}\n      cancel-in-progress: false\n    permissions:\n      contents: read\n      id-token: write # OIDC to EKS\n    outputs:\n      active-color: ${{ steps.deploy';
    const withoutGroup = deployGroup.replace(/ {4}concurrency:\n.*\n.*\n/, '');
    expect(checkSecurity(file('cd.yml').withReplaced(deployGroup, withoutGroup))).toEqual([
      expect.objectContaining({ rule: 'concurrency-environment', message: expect.stringMatching(/^job 'deploy' deploys to '\$\{\{ github.event_name == 'workflow_dispatch' && .*\|\| inputs.environment \}\}' without a concurrency group$/) }),
    ]);
    expect(rulesOf(file('cd.yml').withReplaced(deployGroup, deployGroup.replace('cancel-in-progress: false', 'cancel-in-progress: true')))).toEqual(['concurrency-environment']);
    expect(rulesOf(file('cd.yml').withReplaced(deployGroup, deployGroup.replace('-${{ inputs.environment }}', '')))).toEqual(['concurrency-environment']);
  });

  test('a caller sharing its concurrency group with the reusable workflow it calls', () => {
    const caller = file('sunday-cd.yml').withReplaced('group: cd-${{ github.ref }}', 'group: sunday-cd-${{ github.repository }}');
    expect(checkSharedConcurrency([caller], set.reusable)).toEqual([
      expect.objectContaining({ rule: 'concurrency-shared', file: 'broken/workflow-templates/sunday-cd.yml' }),
      expect.objectContaining({ rule: 'concurrency-shared' }),
      expect.objectContaining({ rule: 'concurrency-shared' }),
    ]);
  });
});
