/**
 * Every input of build-multiarch, read and checked before anything is loaded or run. Only the
 * checks that depend on the builder chosen (`cache: gha`, provenance and SBOM under buildah) wait
 * for that choice: see checkForBuilder.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  InputError,
  readBoolean,
  readChoice,
  readLines,
  readList,
  readPairs,
  readString,
  type Env,
} from '../lib/inputs.js';
import { readAwsInputs, type AwsInputs } from '../lib/aws/inputs.js';
import { parseRepository, TAG, type ImageRepository } from './reference.js';
import type { LatestMode } from './tags.js';

export type PushMode = 'auto' | 'true' | 'false';
/** build: build and push (default); merge: pushed digests → one list; tag: tags on a pushed digest. */
export type Mode = 'build' | 'merge' | 'tag';
export type CacheMode = 'auto' | 'gha' | 'registry' | 'none';
export type BuilderChoice = 'auto' | 'buildx' | 'buildah';
export type BuilderName = Exclude<BuilderChoice, 'auto'>;

export interface Credentials {
  username: string;
  password: string;
}

export interface BuildInputs {
  /** Default build. */
  mode?: Mode;
  /** merge: the single-platform images (or lists) to merge, `sha256:…` each. tag: the one digest to tag. */
  digests?: string[];
  images: ImageRepository[];
  /** As given: a folder (relative to the working directory) or a remote (Git/HTTP) context. */
  context: string;
  /** Dockerfile; undefined for a remote context without `file` (the builder finds it there). */
  file?: string;
  platforms: string[];
  push: PushMode;
  extraTags: string[];
  /** `latest`: auto (the highest release only), true (always), false (never). */
  latest?: LatestMode;
  tagPrefix?: string;
  tagSuffix?: string;
  /** false: push without the moving tags (latest, major, major.minor, a branch); default true. */
  movingTags?: boolean;
  labels: Array<[string, string]>;
  buildArgs: Array<[string, string]>;
  target?: string;
  secrets: Array<[string, string]>;
  cache: CacheMode;
  /** buildx's `--provenance` value: `false`, `true`, `mode=min`, `mode=max`, … */
  provenance: string;
  sbom: string;
  builder: BuilderChoice;
  aws?: AwsInputs;
  credentials?: Credentials;
  verify: boolean;
}

/** action.yml's default for `provenance`: what arrives when the step does not set it. */
export const DEFAULT_PROVENANCE = 'mode=min';
/** action.yml's default for `platforms`, also when the step is run without the runner's defaults. */
const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
const STAGE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const NO_SPACE = /^\S+$/;
const REMOTE_CONTEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;
/** buildx attestation options: `true`/`false`, or `key=value[,key=value]` (e.g. `mode=max`). */
const ATTESTATION = /^(?:true|false|[a-z-]+=[^,=\s]+(?:,[a-z-]+=[^,=\s]+)*)$/;

function readImages(env: Env): ImageRepository[] {
  const lines = readLines('image', env);
  if (lines.length === 0) throw new InputError('image', 'is required');
  return lines.map((line) => {
    const repository = parseRepository(line);
    if (repository) return repository;
    if (/[:@][^/]*$/.test(line) && parseRepository(line.replace(/[:@][^/]*$/, ''))) {
      throw new InputError('image', 'must name repositories without a tag or digest (tags come from the automatic rules and the tags input)');
    }
    throw new InputError('image', `must hold image repositories such as ghcr.io/sunday/app, one a line (not: ${line})`);
  });
}

function readPlatforms(env: Env): string[] {
  const platforms = readString('platforms', env) ? readList('platforms', env) : DEFAULT_PLATFORMS;
  if (platforms.length === 0) throw new InputError('platforms', 'must name at least one platform such as linux/amd64');
  for (const platform of platforms) {
    if (!PLATFORM.test(platform)) throw new InputError('platforms', `must be os/arch[/variant] items such as linux/amd64 or linux/arm/v7 (not: ${platform})`);
  }
  return [...new Set(platforms)];
}

function readBuildContext(env: Env, cwd: string): { context: string; file?: string } {
  const context = readString('context', env) || '.';
  const file = readString('file', env) || undefined;
  const remote = REMOTE_CONTEXT.test(context);
  if (!remote) {
    const dir = resolve(cwd, context);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError('context', `must be a folder (or a Git/HTTP URL); ${context} is not a folder`);
  }
  if (file) {
    if (!existsSync(isAbsolute(file) ? file : resolve(cwd, file))) throw new InputError('file', `names a file that does not exist: ${file}`);
    return { context, file };
  }
  if (remote) return { context };
  const fallback = join(context, 'Dockerfile');
  if (!existsSync(resolve(cwd, fallback))) throw new InputError('file', `is not set and ${fallback} does not exist`);
  return { context, file: fallback };
}

function readPairsChecked(name: string, key: RegExp, expected: string, env: Env): Array<[string, string]> {
  const pairs = readPairs(name, '=', env);
  for (const [k] of pairs) if (!key.test(k)) throw new InputError(name, expected);
  return pairs;
}

function readAttestation(name: 'provenance' | 'sbom', fallback: string, env: Env): string {
  const value = readString(name, env) || fallback;
  if (!ATTESTATION.test(value)) throw new InputError(name, "must be true, false or buildx's key=value form such as mode=max");
  const mode = value.match(/(?:^|,)mode=([^,]*)/);
  if (mode && !['min', 'max'].includes(mode[1])) throw new InputError(name, 'mode must be min or max');
  return value;
}

function readCredentials(env: Env): Credentials | undefined {
  const username = readString('registry-username', env);
  const password = readString('registry-password', env);
  if (!username && !password) return undefined;
  if (!username) throw new InputError('registry-username', 'is required when registry-password is set');
  if (!password) throw new InputError('registry-password', 'is required when registry-username is set');
  return { username, password };
}

/** `sha256:<64 hex>` (or `<image>@sha256:…`), one per line. */
function readDigests(name: string, env: Env): string[] {
  const digests = readLines(name, env).map((line) => /(?:^|@)(sha256:[0-9a-f]{64})$/.exec(line)?.[1] ?? line);
  for (const digest of digests) {
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new InputError(name, `must hold digests such as sha256:<64 hex digits> (or image@sha256:…), one a line (not: ${digest})`);
  }
  return digests;
}

export function readBuildInputs(env: Env = process.env, cwd: string = process.cwd()): BuildInputs {
  const mode = readChoice<Mode>('mode', ['build', 'merge', 'tag'], 'build', env);
  const images = readImages(env);
  let digests: string[] | undefined;
  if (mode === 'merge') {
    digests = readDigests('digests', env);
    if (digests.length < 1) throw new InputError('digests', 'is required with mode: merge (the digests each platform job pushed, one a line)');
  } else if (mode === 'tag') {
    digests = readDigests('digest', env);
    if (digests.length !== 1) throw new InputError('digest', 'is required with mode: tag: the one sha256:… digest to add the tags to');
  }
  // merge and tag build nothing: no context or Dockerfile is needed.
  const { context, file } = mode === 'build' ? readBuildContext(env, cwd) : { context: '.', file: undefined };
  const platforms = readPlatforms(env);
  const push = readChoice<PushMode>('push', ['auto', 'true', 'false'], 'auto', env);
  const extraTags = readLines('tags', env);
  for (const tag of extraTags) {
    if (!TAG.test(tag)) throw new InputError('tags', `must hold tags such as edge or 2024-06, one a line: letters, digits, _ . - and at most 128 (not: ${tag})`);
  }
  const latest = readChoice<LatestMode>('latest', ['auto', 'true', 'false'], 'auto', env);
  const movingTags = readBoolean('moving-tags', true, env);
  const tagPrefix = readString('tag-prefix', env);
  const tagSuffix = readString('tag-suffix', env);
  if (tagPrefix && !TAG.test(`${tagPrefix}1`)) throw new InputError('tag-prefix', 'must start a valid tag: letters, digits, _ . - and not starting with . or -');
  if (tagSuffix && !/^[A-Za-z0-9_.-]{1,64}$/.test(tagSuffix)) throw new InputError('tag-suffix', 'must be letters, digits, _ . - (at most 64)');
  const labels = readPairsChecked('labels', NO_SPACE, "must hold one 'key=value' per line, the key without spaces", env);
  const buildArgs = readPairsChecked('build-args', NO_SPACE, "must hold one 'KEY=value' per line, the key without spaces", env);
  const target = readString('target', env) || undefined;
  if (target && !STAGE.test(target)) throw new InputError('target', 'must be a build stage name');
  const secrets = readPairsChecked('secrets', SECRET_ID, "must hold one 'id=value' per line, the id made of letters, digits, _ . -", env);
  const cache = readChoice<CacheMode>('cache', ['auto', 'gha', 'registry', 'none'], 'auto', env);
  const provenance = readAttestation('provenance', DEFAULT_PROVENANCE, env);
  const sbom = readAttestation('sbom', 'false', env);
  const builder = readChoice<BuilderChoice>('builder', ['auto', 'buildx', 'buildah'], 'auto', env);
  const aws = readAwsInputs(env);
  const credentials = readCredentials(env);
  const verify = readBoolean('verify', true, env);
  const inputs: BuildInputs = { mode, digests, images, context, file, platforms, push, extraTags, latest, tagPrefix, tagSuffix, movingTags, labels, buildArgs, target, secrets, cache, provenance, sbom, builder, aws, credentials, verify };
  if (builder !== 'auto') checkForBuilder(inputs, builder);
  return inputs;
}

export interface BuilderOptions {
  cache: Exclude<CacheMode, 'auto'>;
  /** undefined: no attestation flag (buildah, or the default skipped there). */
  provenance?: string;
  sbom?: string;
  /** Notices about what was skipped, for the log. */
  notices: string[];
}

/**
 * The combinations that cannot work with this builder are input errors; the rest resolves to what
 * the builder will be told. buildah (Debian's 1.28) has no attestations and no usable cache.
 */
export function checkForBuilder(inputs: BuildInputs, builder: BuilderName): BuilderOptions {
  if (builder === 'buildx') {
    return { cache: inputs.cache === 'auto' ? 'gha' : inputs.cache, provenance: inputs.provenance, sbom: inputs.sbom, notices: [] };
  }
  const notices: string[] = [];
  if (inputs.cache === 'gha') throw new InputError('cache', 'gha needs buildx (the GitHub cache backend is BuildKit’s); with buildah use none');
  // Measured with Debian's buildah 1.28: with --layers, a multi-platform build reuses one
  // platform's cached layers for the others and the list ends up with a single platform.
  if (inputs.cache === 'registry') {
    throw new InputError('cache', 'registry needs buildx: buildah 1.28’s layer cache mixes up platforms (the pushed list would lack some); with buildah use none');
  }
  if (inputs.provenance === DEFAULT_PROVENANCE) notices.push('buildah makes no provenance attestation: the default provenance (mode=min) is skipped');
  else if (inputs.provenance !== 'false') throw new InputError('provenance', 'cannot be made by buildah (it has no attestations); leave it unset or set it to false, or use buildx');
  if (inputs.sbom !== 'false') throw new InputError('sbom', 'cannot be made by buildah (it has no attestations); set it to false or use buildx');
  return { cache: 'none', notices };
}

/** Every value that must be masked before the first log line. */
export function secretValues(inputs: BuildInputs): string[] {
  return [inputs.credentials?.password, ...inputs.secrets.map(([, value]) => value)].filter((v): v is string => Boolean(v));
}
