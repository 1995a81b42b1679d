/**
 * The action's core: plan, choose the builder, log in, build and push, then read the pushed list
 * back and check its platforms. Everything from outside (processes, clock, sleep, HTTP, ECR) is
 * passed in, so tests run the same code against a real buildah and registry or stand-ins.
 */
import type { Sleep } from '../lib/retry.js';
import type { AwsInputs } from '../lib/aws/inputs.js';
import { chooseBuilder, commandProbes, type Builder, type BuilderDeps, type Probes } from './builder.js';
import { createBuildah } from './buildah.js';
import { createBuildx } from './buildx.js';
import type { Exec } from './exec.js';
import type { GithubContext } from './github-context.js';
import { checkForBuilder, type BuildInputs, type BuilderName, type Credentials } from './inputs.js';
import { makePlan, tagsOf, type BuildPlan } from './plan.js';
import type { TagMutability } from '../lib/aws/ecr.js';
import { explainImmutableRefusal, pushableTags } from './tag-mutability.js';
import { mergeDigests, putUnderTags, tagsAlreadyOn } from './publish.js';
import { missingPlatforms } from './platforms.js';
import { PushFailed } from './push-retry.js';
import { RegistryApi, type HttpRequest } from './registry-api.js';
import { readPushed, type Verification } from './verify.js';

export interface EcrRegistryLogin {
  /** The registry host ECR's proxyEndpoint names. */
  registry: string;
  credentials: Credentials;
  /** DescribeRepositories: the tag mutability of the named repositories. */
  tagMutability?: (repositoryNames: string[]) => Promise<Map<string, TagMutability>>;
}

export interface CoreDeps {
  exec: Exec;
  sleep: Sleep;
  now: () => Date;
  tempDir: string;
  info: (line: string) => void;
  notice: (line: string) => void;
  warning: (line: string) => void;
  /** Registry HTTP API requests (default: lib/http). */
  request?: HttpRequest;
  /** OIDC → STS → ECR GetAuthorizationToken; loads the AWS SDK, so only called when role-to-assume is set. */
  ecrLogin: (aws: AwsInputs) => Promise<EcrRegistryLogin>;
  /** Default: the real commands (`docker version`, `docker buildx version`, `buildah --version`). */
  probes?: Probes;
  /** Told of each registry logged in to (see BuilderDeps.onLogin). */
  onLogin?: BuilderDeps['onLogin'];
}

export interface BuildResult {
  /** The builder, or `registry` for merge and tag (nothing built). */
  builder: BuilderName | 'registry';
  plan: BuildPlan;
  /** The manifest list's digest: the registry's after a verified push, else the builder's. */
  digest?: string;
  /** `<first image>@<digest>` when pushed. */
  imageRef?: string;
  verifications: Verification[];
  /** Why nothing was verified, when nothing was. */
  verifySkipped?: string;
  metadata: Record<string, unknown>;
}

/**
 * Skips the moving tags an immutable ECR repository would refuse (one notice each): the release
 * goes on with its unique tags.
 */
async function honourTagMutability(plan: BuildPlan, ecr: EcrRegistryLogin, deps: CoreDeps): Promise<void> {
  const images = plan.images.filter((image) => image.registry === ecr.registry);
  if (!plan.push || !ecr.tagMutability || images.length === 0) return;
  const settings = await ecr.tagMutability([...new Set(images.map((image) => image.path))]);
  const refs: string[] = [];
  for (const image of plan.images) {
    const mutability = image.registry === ecr.registry ? settings.get(image.path) : undefined;
    const { push, skipped } = pushableTags(tagsOf(plan, image), plan.moving ?? [], mutability);
    if (skipped.length) {
      const filters = mutability!.exclusions.length ? ` (exclusion filters: ${mutability!.exclusions.join(', ')})` : '';
      deps.notice(`Not pushing ${skipped.join(', ')} to ${image.name}: its tags are ${mutability!.setting}${filters}, and these tags move from image to image. Pushing ${push.join(', ') || 'by digest only'}.`);
    }
    if (push.length === 0) throw new Error(`Every tag of ${image.name} is a moving tag its ${mutability!.setting} repository refuses to overwrite: add a unique tag (tags input) or an exclusion filter`);
    refs.push(...push.map((tag) => `${image.name}:${tag}`));
  }
  plan.refs = refs;
}

/** Credentials per registry: ECR's for the registry it names, the step's password for the others. */
async function registryCredentials(inputs: BuildInputs, plan: BuildPlan, deps: CoreDeps): Promise<Map<string, Credentials>> {
  const byRegistry = new Map<string, Credentials>();
  const registries = [...new Set(plan.images.map((image) => image.registry))];
  if (inputs.aws) {
    const ecr = await deps.ecrLogin(inputs.aws);
    if (!registries.includes(ecr.registry)) {
      throw new Error(`role-to-assume gives credentials for the ECR registry ${ecr.registry}, but no image is in it (images: ${plan.images.map((i) => i.name).join(', ')})`);
    }
    byRegistry.set(ecr.registry, ecr.credentials);
    await honourTagMutability(plan, ecr, deps);
  }
  if (inputs.credentials) {
    for (const registry of registries) if (!byRegistry.has(registry)) byRegistry.set(registry, inputs.credentials);
  }
  return byRegistry;
}

/**
 * merge and tag: nothing is built; the registry's API puts one manifest (the merged index, or the
 * digest's own) under every tag, after checking it holds every platform, then reads each back.
 */
async function publishWithoutBuild(inputs: BuildInputs, context: GithubContext, deps: CoreDeps): Promise<BuildResult> {
  const mode = inputs.mode as 'merge' | 'tag';
  // Publishing is what these modes are for: push: auto does not apply.
  const plan = makePlan({ ...inputs, push: 'true' }, context, deps.now());
  plan.pushReason = `mode: ${mode}`;
  deps.info(`Tags: ${plan.tags.join(', ') || '(none)'} (${plan.tagReason}); ${mode === 'merge' ? `merging ${inputs.digests!.length} digest(s)` : `tagging ${inputs.digests![0]}`}`);
  const credentials = await registryCredentials(inputs, plan, deps);
  const result: BuildResult = { builder: 'registry', plan, verifications: [], metadata: { mode, digests: inputs.digests } };
  for (const image of plan.images) {
    const api = new RegistryApi(image, credentials.get(image.registry), deps.request);
    let manifest: { mediaType: string; body: string };
    if (mode === 'merge') {
      const merged = await mergeDigests(api, inputs.digests!);
      const missing = missingPlatforms(plan.platforms, merged.platforms);
      if (missing.length) throw new Error(`The digests to merge into ${image.name} hold ${merged.platforms.join(', ') || 'no platform'}, not ${missing.join(', ')}: nothing was tagged`);
      manifest = merged;
    } else {
      const before = await readPushed(image, inputs.digests![0], plan.platforms, credentials.get(image.registry), deps.request);
      if (before.missing.length) throw new Error(`${image.name}@${before.digest} holds ${before.found.join(', ') || 'no platform'}, not ${before.missing.join(', ')}: nothing was tagged`);
      manifest = await api.rawManifest(inputs.digests![0]);
    }
    const tags = tagsOf(plan, image);
    let put = tags;
    if (mode === 'tag') {
      const already = await tagsAlreadyOn(api, inputs.digests![0], tags);
      if (already.length) deps.info(`${image.name}: ${already.join(', ')} already name ${inputs.digests![0]}: left as they are`);
      put = tags.filter((tag) => !already.includes(tag));
    }
    const published = put.length ? await putUnderTags(api, manifest, put) : { digest: inputs.digests![0], tags: [] };
    deps.info(`${image.name}: ${tags.join(', ')} → ${published.digest}`);
    if (!inputs.verify) continue;
    const verification = await readPushed(image, tags[0], plan.platforms, credentials.get(image.registry), deps.request);
    result.verifications.push(verification);
    deps.info(`${verification.reference} is ${verification.digest} with ${verification.found.join(', ') || 'no platform'}`);
    result.digest ??= published.digest;
  }
  if (!inputs.verify) result.verifySkipped = 'verify: false';
  result.digest = result.verifications[0]?.digest ?? result.digest;
  if (result.digest) result.imageRef = `${plan.images[0].name}@${result.digest}`;
  return failIfIncomplete(result);
}

export async function buildMultiarch(inputs: BuildInputs, context: GithubContext, deps: CoreDeps): Promise<BuildResult> {
  if (inputs.mode === 'merge' || inputs.mode === 'tag') return publishWithoutBuild(inputs, context, deps);
  const plan = makePlan(inputs, context, deps.now());
  deps.info(`Tags: ${plan.tags.join(', ') || '(none)'} (${plan.tagReason}); ${plan.push ? 'pushing' : 'not pushing'} (${plan.pushReason})`);

  const choice = await chooseBuilder(inputs.builder, deps.probes ?? commandProbes(deps.exec));
  if (choice.notice) deps.notice(choice.notice);
  const options = checkForBuilder(inputs, choice.name);
  for (const notice of options.notices) deps.notice(notice);
  const builderDeps: BuilderDeps = { exec: deps.exec, sleep: deps.sleep, info: deps.info, warning: deps.warning, tempDir: deps.tempDir, onLogin: deps.onLogin };
  const builder = choice.name === 'buildx' ? createBuildx(builderDeps) : createBuildah(builderDeps);

  // Without a push (a pull request) there is nothing to log in for, unless the registry holds the
  // cache; a pull request from a fork gets no OIDC token, so asking for one would fail the build.
  const needsLogin = plan.push || options.cache === 'registry';
  if (!needsLogin && inputs.aws) deps.notice('Not pushing: skipped the ECR login (role-to-assume is only needed to push)');
  const credentials = needsLogin ? await registryCredentials(inputs, plan, deps) : new Map<string, Credentials>();
  const loggedIn: string[] = [];
  try {
    for (const [registry, login] of credentials) {
      loggedIn.push(registry);
      await builder.login(registry, login);
    }
    return await buildAndVerify(inputs, plan, options, builder, credentials, deps);
  } finally {
    // Credentials never outlive the step, whatever happened (docker keeps them in ~/.docker).
    for (const registry of loggedIn) await builder.logout(registry);
  }
}

async function buildAndVerify(
  inputs: BuildInputs,
  plan: BuildPlan,
  options: ReturnType<typeof checkForBuilder>,
  builder: Builder,
  credentials: Map<string, Credentials>,
  deps: CoreDeps,
): Promise<BuildResult> {
  let outcome;
  try {
    outcome = await builder.build(plan, options);
  } catch (error) {
    // A registry whose settings we cannot read (not ECR) refusing to move a tag: say which and why.
    const explained = error instanceof PushFailed ? explainImmutableRefusal(error.message, plan.images.map((i) => i.name).join(', '), plan.moving ?? []) : undefined;
    if (explained) throw new Error(explained, { cause: error });
    throw error;
  }
  const result: BuildResult = { builder: builder.name, plan, digest: outcome.digest, verifications: [], metadata: outcome.metadata };
  if (!plan.push) {
    // No registry holds it, so there is no digest "as the registry reports it".
    result.digest = undefined;
    result.verifySkipped = `nothing was pushed (${plan.pushReason})`;
    deps.notice(`verify skipped: ${result.verifySkipped}`);
    return result;
  }
  if (!inputs.verify) {
    result.verifySkipped = 'verify: false';
    // buildah reports no digest (see buildahPushArgs): ask the registry, as the output promises.
    if (!result.digest) {
      const image = plan.images[0];
      result.digest = (await new RegistryApi(image, credentials.get(image.registry), deps.request).manifest(tagsOf(plan, image)[0])).digest;
    }
  } else {
    for (const image of plan.images) {
      const verification = await readPushed(image, tagsOf(plan, image)[0], plan.platforms, credentials.get(image.registry), deps.request);
      result.verifications.push(verification);
      deps.info(`${verification.reference} is ${verification.digest} with ${verification.found.join(', ') || 'no platform'}`);
    }
    result.digest = result.verifications[0].digest;
  }
  if (result.digest) result.imageRef = `${plan.images[0].name}@${result.digest}`;
  return failIfIncomplete(result);
}

/** The result, or VerificationFailed (carrying it, for the summary) when a pushed list lacks a platform. */
function failIfIncomplete(result: BuildResult): BuildResult {
  const failed = result.verifications.filter((v) => v.missing.length > 0);
  if (failed.length > 0) {
    throw new VerificationFailed(
      failed.map((v) => `${v.reference} (${v.digest}) lacks ${v.missing.join(', ')}: it holds ${v.found.join(', ') || 'no platform'}`).join('; '),
      result,
    );
  }
  return result;
}

/** The push happened but the registry does not serve every platform; carries the result for the summary. */
export class VerificationFailed extends Error {
  constructor(
    detail: string,
    readonly result: BuildResult,
  ) {
    super(`Verification failed: ${detail}`);
    this.name = 'VerificationFailed';
  }
}
