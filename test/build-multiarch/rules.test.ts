/**
 * The pure rules, table-driven: tags, OCI labels and the push decision, from the job variables the
 * runner derives from real webhook payloads (test/fixtures/events), as metadata-action's tests do.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvent, type EventFixture } from '../harness.js';
import { contextVariables, resolveContext } from '../../runner/index.js';
import { readGithubContext, type GithubContext } from '../../actions/build-multiarch/github-context.js';
import { deriveTags, slug } from '../../actions/build-multiarch/tags.js';
import { ociLabels } from '../../actions/build-multiarch/labels.js';
import { decidePush, makePlan } from '../../actions/build-multiarch/plan.js';
import type { BuildInputs } from '../../actions/build-multiarch/inputs.js';
import { parseRepository } from '../../actions/build-multiarch/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'build-multiarch-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The step's GitHub context as the action reads it from the runner's variables for a fixture. */
function contextFor(fixture: EventFixture): GithubContext {
  const event = loadEvent(fixture);
  const eventPath = join(dir, `${fixture}.json`);
  writeFileSync(eventPath, JSON.stringify(event.payload));
  return readGithubContext(contextVariables(resolveContext(event), event.name, eventPath));
}

describe('automatic tags from real events', () => {
  test.each<[EventFixture, string[], string]>([
    ['push-main', ['main', 'sha-6113728'], 'branch main'],
    ['push-branch', ['master', 'sha-6113728'], 'branch master'],
    ['push-tag-v1.2.3', ['1.2.3', '1.2', '1', 'latest'], 'release tag v1.2.3'],
    ['push-tag-v1.2.3-rc.1', ['1.2.3-rc.1'], 'prerelease tag v1.2.3-rc.1'],
    ['pull_request-opened', ['pr-2'], 'pull request #2'],
    ['workflow_dispatch-inputs', ['main'], 'branch main'],
    ['release-published', ['0.0.1', '0.0', '0', 'latest'], 'release tag 0.0.1'],
  ])('%s → %j', (fixture, tags, reason) => {
    const derived = deriveTags(contextFor(fixture));
    expect(derived.tags).toEqual(tags);
    expect(derived.version).toBe(tags[0]);
    expect(derived.reason).toBe(reason);
  });
});

describe('tag rules on their own', () => {
  const sha = 'ABCDEF0123456789abcdef0123456789abcdef01';
  test.each<[string, Partial<GithubContext>, string[], string[]?]>([
    ['feature branch with slashes', { ref: 'refs/heads/feature/Login_Page', sha }, ['feature-login_page', 'sha-abcdef0']],
    ['dependabot branch', { ref: 'refs/heads/dependabot/npm_and_yarn/@types/node-24.0.1', sha }, ['dependabot-npm_and_yarn-types-node-24.0.1', 'sha-abcdef0']],
    ['tag without v', { ref: 'refs/tags/2.0.0', sha }, ['2.0.0', '2.0', '2', 'latest']],
    ['tag with build metadata', { ref: 'refs/tags/v3.1.4+build.7', sha }, ['3.1.4', '3.1', '3', 'latest']],
    ['prerelease beta', { ref: 'refs/tags/v2.0.0-beta.2', sha }, ['2.0.0-beta.2']],
    ['tag that is not a version', { ref: 'refs/tags/Nightly/2024', sha }, ['nightly-2024']],
    ['no GITHUB_REF (a local run)', { sha }, ['sha-abcdef0']],
    ['no GITHUB_REF and no sha', {}, []],
    ['all-zero sha (a deleted branch)', { ref: 'refs/heads/gone', sha: '0'.repeat(40) }, ['gone']],
    ['pull_request_target', { eventName: 'pull_request_target', pullRequestNumber: 7, ref: 'refs/heads/main', sha }, ['pr-7']],
    ['extra tags appended, duplicates dropped', { ref: 'refs/heads/main', sha }, ['main', 'sha-abcdef0', 'edge', 'stable'], ['edge', 'main', 'stable']],
  ])('%s', (_name, context, tags, extra = []) => {
    expect(deriveTags({ serverUrl: 'https://github.com', ...context }, extra).tags).toEqual(tags);
  });

  test.each([
    ['main', 'main'],
    ['Feature/ABC-123', 'feature-abc-123'],
    ['.hidden', 'hidden'],
    ['-dash-', 'dash'],
    ['a'.repeat(200), 'a'.repeat(128)],
  ])('slug(%s) = %s', (name, expected) => expect(slug(name)).toBe(expected));
});

describe('push decision', () => {
  test.each<['auto' | 'true' | 'false', string | undefined, boolean]>([
    ['auto', 'push', true],
    ['auto', 'workflow_dispatch', true],
    ['auto', 'release', true],
    ['auto', 'pull_request', false],
    ['auto', 'pull_request_target', false],
    ['auto', 'schedule', false],
    ['auto', undefined, false],
    ['true', 'pull_request', true],
    ['false', 'push', false],
  ])('push %s on %s → %s', (mode, event, push) => {
    expect(decidePush(mode, event).push).toBe(push);
  });
});

describe('OCI labels', () => {
  const created = new Date('2026-06-01T12:00:00Z');
  test('the automatic set, from a tag push', () => {
    expect(ociLabels(contextFor('push-tag-v1.2.3'), '1.2.3', created)).toEqual({
      'org.opencontainers.image.source': 'https://github.com/Codertocat/Hello-World',
      'org.opencontainers.image.revision': '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.created': '2026-06-01T12:00:00.000Z',
      'org.opencontainers.image.title': 'Hello-World',
    });
  });
  test('the labels input adds keys and wins on the same key', () => {
    const labels = ociLabels(contextFor('push-main'), 'main', created, [
      ['org.opencontainers.image.title', 'Sunday API'],
      ['team', 'platform'],
    ]);
    expect(labels['org.opencontainers.image.title']).toBe('Sunday API');
    expect(labels.team).toBe('platform');
  });
  test('nothing invented when the job says nothing (GITHUB_* unset)', () => {
    expect(ociLabels(readGithubContext({}), undefined, created)).toEqual({ 'org.opencontainers.image.created': '2026-06-01T12:00:00.000Z' });
  });
});

describe('the plan', () => {
  const inputs = (overrides: Partial<BuildInputs> = {}): BuildInputs => ({
    images: ['ghcr.io/sunday/api', 'docker.io/sunday/api'].map((name) => parseRepository(name)!),
    context: '.',
    file: 'Dockerfile',
    platforms: ['linux/amd64', 'linux/arm64'],
    push: 'auto',
    extraTags: [],
    labels: [],
    buildArgs: [],
    secrets: [['npm', 'value-1'], ['gh', 'value-2']],
    cache: 'auto',
    provenance: 'mode=min',
    sbom: 'false',
    builder: 'auto',
    verify: true,
    ...overrides,
  });

  test('every image gets every tag; secrets go to variables, not arguments', () => {
    const plan = makePlan(inputs(), contextFor('push-tag-v1.2.3'), new Date());
    expect(plan.refs).toEqual([
      'ghcr.io/sunday/api:1.2.3', 'ghcr.io/sunday/api:1.2', 'ghcr.io/sunday/api:1', 'ghcr.io/sunday/api:latest',
      'docker.io/sunday/api:1.2.3', 'docker.io/sunday/api:1.2', 'docker.io/sunday/api:1', 'docker.io/sunday/api:latest',
    ]);
    expect(plan.push).toBe(true);
    expect(plan.secrets).toEqual([{ id: 'npm', env: 'BUILD_MULTIARCH_SECRET_0' }, { id: 'gh', env: 'BUILD_MULTIARCH_SECRET_1' }]);
    expect(plan.secretEnv).toEqual({ BUILD_MULTIARCH_SECRET_0: 'value-1', BUILD_MULTIARCH_SECRET_1: 'value-2' });
  });

  test('a push with nothing to tag is refused with the reason', () => {
    expect(() => makePlan(inputs({ push: 'true' }), readGithubContext({}), new Date())).toThrow(
      'Nothing to tag the image with (GITHUB_REF is not set: no automatic tag): set the tags input, or run on a branch, tag or pull request',
    );
  });

  test('a build without a push needs no tag', () => {
    expect(makePlan(inputs(), readGithubContext({}), new Date()).refs).toEqual([]);
  });
});
