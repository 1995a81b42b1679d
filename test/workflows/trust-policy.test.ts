/**
 * One trust-policy story: README.md, docs/workflows.md and docs/aws-oidc.md name the same `sub`
 * patterns for the roles of ci.yml and cd.yml (with the customised sub, since AWS offers no custom
 * claim such as job_workflow_ref as a condition key), cover the branches the templates push from,
 * and the ECR role may read the repositories' tag mutability.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../harness.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const documents = ['README.md', 'docs/workflows.md', 'docs/aws-oidc.md'];

/** Every quoted `repo:sunday/…` sub pattern of a document's policies. */
const subPatterns = (text: string) => new Set([...text.matchAll(/"(repo:sunday\/[^"]+)"/g)].map((match) => match[1]));

test('the three documents show the same roles with the same sub patterns', () => {
  const [readme, ...others] = documents.map((path) => [...subPatterns(read(path))].sort());
  expect(readme).toEqual([
    'repo:sunday/*:environment:production-promote:job_workflow_ref:sunday/actions/.github/workflows/cd.yml@refs/tags/v1',
    'repo:sunday/*:environment:production:job_workflow_ref:sunday/actions/.github/workflows/cd.yml@refs/tags/v1',
    'repo:sunday/*:ref:refs/heads/develop:job_workflow_ref:sunday/actions/.github/workflows/ci.yml@refs/tags/v1',
    'repo:sunday/*:ref:refs/heads/main:job_workflow_ref:sunday/actions/.github/workflows/ci.yml@refs/tags/v1',
    'repo:sunday/*:ref:refs/tags/v*:job_workflow_ref:sunday/actions/.github/workflows/ci.yml@refs/tags/v1',
  ]);
  for (const patterns of others) expect(patterns).toEqual(readme);
});

test('no policy conditions on a custom claim AWS does not offer', () => {
  for (const path of documents) expect(read(path)).not.toMatch(/"token\.actions\.githubusercontent\.com:(job_workflow_ref|environment|repository|ref|workflow)"/);
});

test('the ECR role covers every branch the templates build from (CI: develop; CD, which calls ci.yml: the default branch)', () => {
  const pushBranches = (file: string) => ((parse(read(file)) as { on: { push?: { branches?: string[] } } }).on.push?.branches ?? []);
  const branches = [...pushBranches('workflow-templates/sunday-ci.yml'), ...pushBranches('workflow-templates/sunday-cd.yml')].map((branch) => (branch === '$default-branch' ? 'main' : branch));
  expect(branches.length).toBeGreaterThan(0);
  for (const path of documents) {
    for (const branch of branches) expect(read(path)).toContain(`repo:sunday/*:ref:refs/heads/${branch}:job_workflow_ref:sunday/actions/.github/workflows/ci.yml@refs/tags/v1`);
  }
});

test('the documented ECR role may read the tag mutability build-multiarch honours', () => {
  expect(read('docs/aws-oidc.md')).toContain('`ecr:DescribeRepositories`');
});
