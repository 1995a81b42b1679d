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
import { makePlan, type BuildPlan } from './plan.js';
import { RegistryApi, type HttpRequest } from './registry-api.js';
import { readPushed, type Verification } from './verify.js';

export interface EcrRegistryLogin {
  /** The registry host ECR's proxyEndpoint names. */
  registry: string;
  credentials: Credentials;
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
  builder: BuilderName;
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
  }
  if (inputs.credentials) {
    for (const registry of registries) if (!byRegistry.has(registry)) byRegistry.set(registry, inputs.credentials);
  }
  return byRegistry;
}

export async function buildMultiarch(inputs: BuildInputs, context: GithubContext, deps: CoreDeps): Promise<BuildResult> {
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
  const outcome = await builder.build(plan, options);
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
      result.digest = (await new RegistryApi(image, credentials.get(image.registry), deps.request).manifest(plan.tags[0])).digest;
    }
  } else {
    for (const image of plan.images) {
      const verification = await readPushed(image, plan.tags[0], plan.platforms, credentials.get(image.registry), deps.request);
      result.verifications.push(verification);
      deps.info(`${verification.reference} is ${verification.digest} with ${verification.found.join(', ') || 'no platform'}`);
    }
    result.digest = result.verifications[0].digest;
  }
  if (result.digest) result.imageRef = `${plan.images[0].name}@${result.digest}`;
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
