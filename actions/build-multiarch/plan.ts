/**
 * What will be built and where it goes, decided before any builder runs: tags, full references,
 * labels, whether to push, and the environment variables that carry build secrets. Pure.
 */
import type { GithubContext } from './github-context.js';
import type { BuildInputs, PushMode } from './inputs.js';
import { ociLabels } from './labels.js';
import type { ImageRepository } from './reference.js';
import { deriveTags } from './tags.js';

export interface BuildSecret {
  id: string;
  /** The variable the builder reads the value from (`--secret id=…,env=…`): values never go in argv. */
  env: string;
}

export interface BuildPlan {
  images: ImageRepository[];
  tags: string[];
  /** Of `tags`, those that move between images (latest, 1, 1.2, a branch). */
  moving?: string[];
  /** `image:tag` for every image and tag. */
  refs: string[];
  labels: Record<string, string>;
  push: boolean;
  pushReason: string;
  tagReason: string;
  platforms: string[];
  context: string;
  file?: string;
  buildArgs: Array<[string, string]>;
  target?: string;
  secrets: BuildSecret[];
  /** Variable → value, given to the builder's process only. */
  secretEnv: Record<string, string>;
}

/** Events that publish with `push: auto`: pushes (branches and tags), releases and manual runs. */
const PUBLISHING_EVENTS = new Set(['push', 'release', 'workflow_dispatch']);

export function decidePush(mode: PushMode, eventName: string | undefined): { push: boolean; reason: string } {
  if (mode === 'true') return { push: true, reason: 'push: true' };
  if (mode === 'false') return { push: false, reason: 'push: false' };
  const event = eventName ?? 'no event (GITHUB_EVENT_NAME is not set)';
  if (eventName && PUBLISHING_EVENTS.has(eventName)) return { push: true, reason: `push: auto on ${event}` };
  if (eventName === 'pull_request' || eventName === 'pull_request_target') return { push: false, reason: `push: auto never pushes a ${event} build` };
  return { push: false, reason: `push: auto does not push on ${event}` };
}

export function makePlan(inputs: BuildInputs, context: GithubContext, now: Date): BuildPlan {
  const { tags, moving, version, reason: tagReason } = deriveTags(context, inputs.extraTags, {
    latest: inputs.latest,
    prefix: inputs.tagPrefix,
    suffix: inputs.tagSuffix,
    gitTags: context.gitTags,
    movingTags: inputs.movingTags,
  });
  const { push, reason: pushReason } = decidePush(inputs.push, context.eventName);
  if (push && tags.length === 0) {
    throw new Error(`Nothing to tag the image with (${tagReason}): set the tags input, or run on a branch, tag or pull request`);
  }
  const secrets = inputs.secrets.map(([id], index) => ({ id, env: `BUILD_MULTIARCH_SECRET_${index}` }));
  return {
    images: inputs.images,
    tags,
    moving,
    refs: inputs.images.flatMap((image) => tags.map((tag) => `${image.name}:${tag}`)),
    labels: ociLabels(context, version, now, inputs.labels),
    push,
    pushReason,
    tagReason,
    platforms: inputs.platforms,
    context: inputs.context,
    file: inputs.file,
    buildArgs: inputs.buildArgs,
    target: inputs.target,
    secrets,
    secretEnv: Object.fromEntries(secrets.map((secret, index) => [secret.env, inputs.secrets[index][1]])),
  };
}

/** The tags `image` is pushed with (after any skipped for an immutable repository). */
export function tagsOf(plan: BuildPlan, image: ImageRepository): string[] {
  return plan.refs.filter((ref) => ref.startsWith(`${image.name}:`)).map((ref) => ref.slice(image.name.length + 1));
}
