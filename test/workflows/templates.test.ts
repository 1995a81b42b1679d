/**
 * What the templates, our own workflows and the CHANGELOG promise: triggers, metadata files,
 * calls to the reusable workflows by @v1, and a self-release whose stub search does not trip on
 * the suite's own words about stub markers.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { minimatch } from 'minimatch';
import { loadWorkflows, REUSABLE_WORKFLOWS, SUITE_REPOSITORY } from '../../scripts/workflow-lint/files.js';
import { isMapping, type Mapping, type Workflow } from '../../scripts/workflow-lint/workflow.js';
import { repoRoot } from '../harness.js';

const set = loadWorkflows(repoRoot);
const template = (name: string) => set.templates.find((w) => w.file === `workflow-templates/${name}.yml`)!;
const own = (name: string) => set.own.find((w) => w.file === `.github/workflows/${name}.yml`)!;
const on = (workflow: Workflow) => workflow.data.on as Mapping;

describe('workflow templates', () => {
  test.each(['sunday-ci', 'sunday-cd', 'sunday-e2e'])('%s has a complete .properties.json', (name) => {
    const path = join(repoRoot, 'workflow-templates', `${name}.properties.json`);
    const properties = JSON.parse(readFileSync(path, 'utf8')) as Mapping;
    expect(Object.keys(properties).sort()).toEqual(['categories', 'description', 'filePatterns', 'iconName', 'name']);
    expect(properties.name).toEqual(expect.stringMatching(/^Sunday /));
    expect(String(properties.description).length).toBeGreaterThan(20);
    expect(properties.iconName).toEqual(expect.stringMatching(/^octicon [a-z-]+$/));
    expect(properties.categories).toEqual(expect.arrayContaining([expect.any(String)]));
    const patterns = properties.filePatterns as string[];
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) expect(() => new RegExp(pattern)).not.toThrow();
  });

  test('every template has its properties file and nothing else lies around', () => {
    const names = readdirSync(join(repoRoot, 'workflow-templates')).sort();
    expect(names).toEqual(['sunday-cd.properties.json', 'sunday-cd.yml', 'sunday-ci.properties.json', 'sunday-ci.yml', 'sunday-e2e.properties.json', 'sunday-e2e.yml']);
  });

  test('templates call only the reusable workflows, by @v1', () => {
    for (const workflow of set.templates) {
      for (const { job } of workflow.jobs().filter(({ job }) => typeof job.uses === 'string')) {
        expect(REUSABLE_WORKFLOWS.map((name) => `${SUITE_REPOSITORY}/.github/workflows/${name}@v1`)).toContain(job.uses);
      }
    }
  });

  test('CI: pushes to develop and pull requests; the default branch and tags are the CD run\'s, which tests and builds once', () => {
    expect(on(template('sunday-ci'))).toEqual({ push: { branches: ['develop'] }, pull_request: null });
    // No push builds an image twice: every ref the CD template runs on (which calls ci.yml
    // itself), the CI template leaves alone.
    const cd = on(template('sunday-cd')).push as Mapping;
    const ci = on(template('sunday-ci')).push as Mapping;
    for (const branch of cd.branches as string[]) expect(ci.branches).not.toContain(branch);
    expect(ci.tags).toBeUndefined();
    const apps = template('sunday-ci').jobs().map(({ job }) => (job.with as Mapping).app);
    expect(apps).toEqual(['backend', 'frontend']);
  });

  test('CD: default branch to staging, v* tags to production, workflow_dispatch with its inputs (revisions to roll back to included)', () => {
    const triggers = on(template('sunday-cd'));
    expect(triggers.push).toEqual({ branches: ['$default-branch'], tags: ['v*'] });
    const inputs = (triggers.workflow_dispatch as Mapping).inputs as Record<string, Mapping>;
    expect(Object.keys(inputs)).toEqual(['environment', 'version', 'mode', 'promotion', 'backend-revision', 'frontend-revision']);
    expect(inputs.environment.options).toEqual(['staging', 'production']);
    expect(inputs.mode.options).toEqual(['deploy', 'rollback']);
    expect(inputs.promotion.options).toEqual(['auto', 'manual']);
    const plan = template('sunday-cd').text;
    expect(plan).toContain('environment=production mode=deploy promotion=manual');
    expect(plan).toContain('environment=staging mode=deploy promotion=auto');
  });

  test('CD: each image built once by ci.yml and deployed by its digest; on a tag, the moving tags only after cd.yml validated the release', () => {
    const jobs = Object.fromEntries(template('sunday-cd').jobs().map(({ id, job }) => [id, job]));
    for (const app of ['backend', 'frontend']) {
      const build = jobs[`${app}-image`].with as Mapping;
      expect(build['moving-tags']).toBe("${{ github.ref_type != 'tag' }}");
      expect(build['tag-digest']).toBeUndefined();
      expect((jobs[app].with as Mapping)['image-ref']).toBe(`\${{ needs.${app}-image.outputs.image-ref }}`);
      const tags = jobs[`${app}-tags`];
      expect(tags.uses).toBe('sunday/actions/.github/workflows/ci.yml@v1');
      expect(tags.needs).toEqual([`${app}-image`, app]);
      expect(tags.if).toBe(`needs.${app}.outputs.release-version != ''`);
      expect((tags.with as Mapping)['tag-digest']).toBe(`\${{ needs.${app}-image.outputs.digest }}`);
    }
    // Only two kinds of ci.yml call: the build (once per app) and the tagging of what it pushed.
    const ciCalls = Object.entries(jobs).filter(([, job]) => String(job.uses).includes('/ci.yml@')).map(([id]) => id);
    expect(ciCalls.sort()).toEqual(['backend-image', 'backend-tags', 'frontend-image', 'frontend-tags']);
  });

  test('E2E: push, pull requests and a daily schedule', () => {
    const triggers = on(template('sunday-e2e'));
    expect(Object.keys(triggers).sort()).toEqual(['pull_request', 'push', 'schedule']);
    expect(triggers.push).toEqual({ branches: ['$default-branch'] });
    const [{ cron }] = triggers.schedule as Array<{ cron: string }>;
    expect(cron).toMatch(/^\d+ \d+ \* \* \*$/);
  });
});

describe("the suite's own workflows", () => {
  test('self-test runs npm ci and npm test on every push and pull request', () => {
    expect(Object.keys(on(own('self-test')))).toEqual(['push', 'pull_request']);
    expect(own('self-test').steps().map((s) => s.step.run)).toEqual(expect.arrayContaining(['npm ci --no-audit --no-fund', 'npm test']));
  });

  test('self-release: tests, validate-release on the suite with a read-only token, the release commit with pinned actions, the release, the major tag', () => {
    const workflow = own('self-release');
    expect(on(workflow)).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+*'] } });
    const jobs = Object.fromEntries(workflow.jobs().map(({ id, job }) => [id, job]));
    // validate-release runs in a job whose token can write nothing (its github-token is that token).
    const validate = workflow.steps().find((s) => s.step.uses === './validate-release')!;
    expect(validate.jobId).toBe('validate');
    expect(validate.step.id).toBe('release');
    expect((validate.step.with as Mapping)['github-token']).toBeUndefined();
    expect(Object.values(jobs.validate.permissions as Mapping).every((scope) => scope === 'read')).toBe(true);
    expect((jobs.release.permissions as Mapping).contents).toBe('write');
    expect(jobs.release.needs).toEqual(['test', 'validate']);

    const steps = workflow.steps().filter((s) => s.jobId === 'release');
    const env = steps.map((s) => s.step.env).filter(isMapping);
    expect(env).toContainEqual(expect.objectContaining({ NOTES: '${{ needs.validate.outputs.release-notes }}' }));
    expect(env).toContainEqual(expect.objectContaining({ MAJOR_TAG: 'v${{ needs.validate.outputs.major }}', COMMIT: '${{ steps.pin.outputs.commit }}' }));
    // The release commit: the pinning script, then a push of that commit under the release tag.
    const pin = steps.find((s) => s.step.id === 'pin')!;
    expect(pin.step.run).toBe('node scripts/pin-release.ts "$TAG"');
    // The token that may push workflow changes reaches the one step that pushes, nothing else.
    const holders = workflow.steps().filter((s) => JSON.stringify(s.step).includes('secrets.RELEASE_TOKEN'));
    expect(holders.map((s) => s.step.name)).toEqual(['Push the release commit under the release tag']);
    expect(String(holders[0].step.run)).toContain('"$COMMIT:refs/tags/$TAG"');
  });

  test("self-release's stub search covers shipped code and finds nothing in the suite as it is", () => {
    const release = own('self-release').steps().find((s) => s.step.uses === './validate-release')!;
    const { 'stub-paths': paths, 'stub-patterns': patterns } = release.step.with as Record<string, string>;
    const globs = paths.trim().split('\n');
    const matchers = patterns.trim().split('\n').map((line) => {
      const regex = /^\/(.*)\/([a-z]*)$/.exec(line);
      return regex ? new RegExp(regex[1], regex[2]) : new RegExp(line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    });
    expect(matchers[0].test('Feature: Coming Soon')).toBe(true);
    // Walk only the folders the globs start from (never node_modules).
    const bases = [...new Set(globs.map((glob) => glob.split('/')[0]))];
    const files = bases
      .flatMap((base) => readdirSync(join(repoRoot, base), { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)))
      .filter((path) => globs.some((glob) => minimatch(path, glob)));
    expect(files.length).toBeGreaterThan(10);
    const hits = files.filter((path) => matchers.some((m) => m.test(readFileSync(join(repoRoot, path), 'utf8'))));
    expect(hits).toEqual([]);
  });
});

test('CHANGELOG.md follows Keep a Changelog with an Unreleased section', () => {
  const changelog = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8');
  expect(changelog).toMatch(/^# Changelog\n/);
  expect(changelog).toContain('[Keep a Changelog](https://keepachangelog.com/');
  const sections = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map((m) => m[1]);
  expect(sections[0]).toBe('Unreleased');
  for (const version of sections.slice(1)) expect(version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  for (const version of sections) expect(changelog).toContain(`[${version}]: https://github.com/${SUITE_REPOSITORY}/`);
});

test('docs/workflows.md documents every input of the reusable workflows', () => {
  const docs = join(repoRoot, 'docs', 'workflows.md');
  expect(existsSync(docs)).toBe(true);
  const text = readFileSync(docs, 'utf8');
  for (const workflow of set.reusable) {
    const call = (on(workflow).workflow_call as Mapping).inputs as Mapping;
    for (const input of Object.keys(call)) expect(`${workflow.file} ${text.includes(`\`${input}\``)}`).toBe(`${workflow.file} true`);
  }
});
