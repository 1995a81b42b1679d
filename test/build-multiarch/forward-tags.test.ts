/**
 * Tags only move forward (latest, major, minor only for the highest release among the git tags;
 * metadata-action's flavor latest/prefix/suffix), and which tags an immutable ECR repository
 * accepts. Pure rules, table-driven.
 */
import { deriveTags, type TagOptions } from '../../actions/build-multiarch/tags.js';
import { explainImmutableRefusal, isTagMutable, pushableTags, wildcardMatches } from '../../actions/build-multiarch/tag-mutability.js';

const sha = 'abcdef0123456789abcdef0123456789abcdef01';
const on = (ref: string, options: TagOptions = {}, extra: string[] = []) => deriveTags({ serverUrl: 'https://github.com', ref, sha }, extra, options);
const released = ['v1.0.0', 'v1.3.9', 'v1.4.0', 'v2.0.0', 'v2.1.0-rc.1', 'nightly', 'v3.0.0-beta.1'];

describe('tags only move forward', () => {
  test.each<[string, readonly string[] | undefined, string[], string[]]>([
    ['v2.1.0', released, ['2.1.0', '2.1', '2', 'latest'], ['2.1', '2', 'latest']],
    // The hotfix on an old major: its major and minor move, latest stays on 2.0.0.
    ['v1.4.1', released, ['1.4.1', '1.4', '1'], ['1.4', '1']],
    // A hotfix on an old minor: only its minor moves.
    ['v1.3.10', released, ['1.3.10', '1.3'], ['1.3']],
    // Re-running an old release moves nothing back past newer ones (it is still the highest 1.0.x).
    ['v1.0.0', released, ['1.0.0', '1.0'], ['1.0']],
    ['v2.0.0', released, ['2.0.0', '2.0', '2', 'latest'], ['2.0', '2', 'latest']],
    // Prereleases never count as the highest release.
    ['v2.0.1', released, ['2.0.1', '2.0', '2', 'latest'], ['2.0', '2', 'latest']],
    // Tags could not be read: nothing held back (the reason says so).
    ['v1.4.1', undefined, ['1.4.1', '1.4', '1', 'latest'], ['1.4', '1', 'latest']],
  ])('%s among %j → %j', (tag, gitTags, tags, moving) => {
    const derived = on(`refs/tags/${tag}`, { gitTags });
    expect(derived.tags).toEqual(tags);
    expect(derived.moving).toEqual(moving);
  });

  test('moving-tags: false says which tags are left for mode: tag', () => {
    expect(on('refs/tags/v2.1.0', { gitTags: released, movingTags: false }).reason).toBe('release tag v2.1.0; 2.1, 2, latest left for mode: tag (moving-tags: false)');
  });

  test('the reason says what stays where', () => {
    expect(on('refs/tags/v1.4.1', { gitTags: released }).reason).toBe('release tag v1.4.1 (latest stays on 2.0.0)');
    expect(on('refs/tags/v1.3.10', { gitTags: released }).reason).toBe('release tag v1.3.10 (1 stays on 1.4.0, latest stays on 2.0.0)');
    expect(on('refs/tags/v1.4.1').reason).toBe('release tag v1.4.1');
  });

  test.each<[string, TagOptions, string[]]>([
    ['refs/tags/v1.4.1', { gitTags: released, latest: 'true' }, ['1.4.1', '1.4', '1', 'latest']],
    ['refs/tags/v2.1.0', { gitTags: released, latest: 'false' }, ['2.1.0', '2.1', '2']],
    ['refs/heads/main', { latest: 'true' }, ['main', 'sha-abcdef0', 'latest']],
    ['refs/heads/main', {}, ['main', 'sha-abcdef0']],
    ['refs/tags/v2.0.0-rc.1', { latest: 'true' }, ['2.0.0-rc.1', 'latest']],
    ['refs/tags/v2.1.0', { gitTags: released, prefix: 'api-', suffix: '-alpine' }, ['api-2.1.0-alpine', 'api-2.1-alpine', 'api-2-alpine', 'latest']],
    ['refs/heads/main', { suffix: '-slim' }, ['main-slim', 'sha-abcdef0-slim']],
    // moving-tags: false — a release by digest and version only; mode: tag adds the rest later.
    ['refs/tags/v2.1.0', { gitTags: released, movingTags: false }, ['2.1.0']],
    ['refs/tags/v2.1.0', { gitTags: released, movingTags: false, latest: 'true', suffix: '-slim' }, ['2.1.0-slim']],
    ['refs/heads/main', { movingTags: false }, ['sha-abcdef0']],
    ['refs/tags/v2.0.0-rc.1', { movingTags: false }, ['2.0.0-rc.1']],
  ])('%s with %j → %j', (ref, options, tags) => expect(on(ref, options).tags).toEqual(tags));

  test('extra tags are kept as given; a branch is moving, sha- and pr- are not', () => {
    const derived = on('refs/heads/main', { prefix: 'x-' }, ['edge']);
    expect(derived.tags).toEqual(['x-main', 'x-sha-abcdef0', 'edge']);
    expect(derived.moving).toEqual(['x-main']);
  });
});

describe('immutable repositories', () => {
  const moving = ['1.2', '1', 'latest'];
  const tags = ['1.2.3', ...moving];
  test.each<[string, string[], string[], string[]]>([
    ['MUTABLE', [], tags, []],
    ['IMMUTABLE', [], ['1.2.3'], moving],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest', '1*'], tags, []],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest'], ['1.2.3', 'latest'], ['1.2', '1']],
    ['MUTABLE_WITH_EXCLUSION', ['latest'], ['1.2.3', '1.2', '1'], ['latest']],
    ['MUTABLE_WITH_EXCLUSION', ['1.*'], ['1.2.3', '1', 'latest'], ['1.2']],
  ])('%s %j: push %j, skip %j', (setting, exclusions, push, skipped) => {
    expect(pushableTags(tags, moving, { setting, exclusions })).toEqual({ push, skipped });
  });

  test('unknown settings (not ECR) push everything', () => expect(pushableTags(tags, moving, undefined)).toEqual({ push: tags, skipped: [] }));

  test('ECR wildcard filters: * is any run of characters, the rest literal', () => {
    expect([wildcardMatches('v*', 'v1.2'), wildcardMatches('v*', 'xv1'), wildcardMatches('1.2', '1x2'), wildcardMatches('*-dev', 'a-dev')]).toEqual([true, false, false, true]);
    expect(isTagMutable({ setting: 'IMMUTABLE_WITH_EXCLUSION', exclusions: ['main'] }, 'main')).toBe(true);
  });

  test('another registry refusing to move a tag: an error naming the tag and the setting', () => {
    const ecrWords = "tag invalid: The image tag 'latest' already exists in the 'sunday/api' repository and cannot be overwritten because the repository is immutable.";
    expect(explainImmutableRefusal(ecrWords, 'registry.corp/sunday/api', moving)).toBe(
      'The registry refused to overwrite tag latest of registry.corp/sunday/api: its tags are immutable, and latest moves from image to image. ' +
        'Make the repository allow it (ECR: IMMUTABLE_WITH_EXCLUSION with a filter for it, which build-multiarch reads and honours), or stop giving that tag (latest: false, or leave it out of tags).',
    );
    expect(explainImmutableRefusal('unexpected status: 412 Precondition Failed: The image tag is immutable', 'h/a', moving)).toContain('a moving tag (1.2, 1, latest)');
    expect(explainImmutableRefusal('denied: requested access to the resource is denied', 'h/a', moving)).toBeUndefined();
  });
});
