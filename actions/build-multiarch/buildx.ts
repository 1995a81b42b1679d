/**
 * buildx: one `docker buildx build` for every platform, pushing every reference itself, its result
 * read from `--metadata-file`. The argument list is a pure function (buildxArgs) tested row by row.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Builder, BuilderDeps, BuildOutcome } from './builder.js';
import type { BuilderOptions } from './inputs.js';
import type { BuildPlan } from './plan.js';
import { PUSH_ATTEMPTS, withPushRetries } from './push-retry.js';
import { failureLine } from './exec.js';
import type { ImageRepository } from './reference.js';
import { normalizePlatform, parsePlatform } from './platforms.js';

/** The GitHub cache scope of one image and platform: `sunday-api-linux-arm64`. */
export function cacheScope(image: ImageRepository, platform: string): string {
  return `${image.path}-${platform}`.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/**
 * Cache flags. gha: one scope per image and platform (blobs are stored by digest, shared by all
 * scopes, so writing several scopes costs little). registry: `<image>:buildcache`, written only by
 * builds that push (they have write access; a pull request may not).
 */
export function buildxCacheArgs(plan: BuildPlan, cache: BuilderOptions['cache']): string[] {
  const image = plan.images[0];
  if (cache === 'gha') {
    return plan.platforms.flatMap((platform) => {
      const scope = cacheScope(image, platform);
      return ['--cache-from', `type=gha,scope=${scope}`, '--cache-to', `type=gha,scope=${scope},mode=max`];
    });
  }
  if (cache === 'registry') {
    const ref = `${image.name}:buildcache`;
    return ['--cache-from', `type=registry,ref=${ref}`, ...(plan.push ? ['--cache-to', `type=registry,ref=${ref},mode=max`] : [])];
  }
  return [];
}

export function buildxArgs(plan: BuildPlan, options: BuilderOptions, metadataFile: string): string[] {
  const args = ['buildx', 'build', '--platform', plan.platforms.join(',')];
  if (plan.file) args.push('--file', plan.file);
  if (plan.target) args.push('--target', plan.target);
  for (const [key, value] of plan.buildArgs) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of Object.entries(plan.labels)) args.push('--label', `${key}=${value}`);
  for (const secret of plan.secrets) args.push('--secret', `id=${secret.id},env=${secret.env}`);
  args.push(...buildxCacheArgs(plan, options.cache));
  if (options.provenance !== undefined) args.push(`--provenance=${options.provenance}`);
  if (options.sbom !== undefined) args.push(`--sbom=${options.sbom}`);
  args.push('--metadata-file', metadataFile);
  for (const ref of plan.refs) args.push('--tag', ref);
  // Without a push, one platform is loaded into the daemon for later steps; a multi-platform
  // result cannot be (the classic image store holds one platform), so it stays in the build cache.
  if (plan.push) args.push('--push');
  else if (plan.platforms.length === 1) args.push('--load');
  args.push(plan.context);
  return args;
}

/** What `docker buildx inspect` says of the current builder. */
export interface BuilderInfo {
  name?: string;
  driver?: string;
  /** Every platform the builder lists (native and registered emulators). */
  platforms: string[];
}

export function parseInspect(output: string): BuilderInfo {
  const field = (name: string) => output.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1].trim();
  const platforms = [...output.matchAll(/^Platforms:\s*(.+)$/gm)].flatMap((match) => match[1].split(',').map((p) => p.trim().replace(/\*$/, '')).filter(Boolean));
  return { name: field('Name'), driver: field('Driver'), platforms: [...new Set(platforms)] };
}

export const MULTIARCH_BUILDER = 'sunday-multiarch';
/** The image docker/setup-qemu-action installs emulators with. */
export const BINFMT_IMAGE = 'tonistiigi/binfmt:qemu-v9.2.2';

/** The `docker` commands that make the builder able to build every platform asked for. Pure. */
export function builderSetup(info: BuilderInfo | undefined, platforms: readonly string[]): { steps: Array<{ args: string[]; why: string }> } {
  const steps: Array<{ args: string[]; why: string }> = [];
  // The `docker` driver (a stock runner's default) builds one platform at a time into the daemon.
  if (platforms.length > 1 && (!info || info.driver === 'docker')) {
    steps.push({
      args: ['buildx', 'create', '--name', MULTIARCH_BUILDER, '--driver', 'docker-container', '--use', '--bootstrap'],
      why: `the current buildx builder${info?.name ? ` (${info.name}, driver ${info.driver})` : ''} cannot build several platforms: creating ${MULTIARCH_BUILDER} (driver docker-container)`,
    });
  }
  const have = new Set((info?.platforms ?? []).map((p) => normalizePlatform(parsePlatform(p))));
  const foreign = platforms.filter((p) => !have.has(normalizePlatform(parsePlatform(p))));
  // Without a list from the builder, only the runner's own architecture is known to be native.
  const native = `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const emulate = info?.platforms.length ? foreign : foreign.filter((p) => normalizePlatform(parsePlatform(p)) !== normalizePlatform(parsePlatform(native)));
  if (emulate.length) {
    const arches = [...new Set(emulate.map((p) => parsePlatform(p).architecture))];
    steps.push({
      args: ['run', '--privileged', '--rm', BINFMT_IMAGE, '--install', arches.join(',')],
      why: `registering QEMU for ${emulate.join(', ')} (not native here): emulated builds run 5-10× slower than native ones — see ci.yml platform-strategy: native`,
    });
  }
  return { steps };
}

/** A buildx failure is a push failure when BuildKit says it was pushing or exporting. */
function isPushFailure(output: string): boolean {
  return /push|exporting to image|failed commit on ref|blob upload|unexpected status from (PUT|POST|PATCH|HEAD)/i.test(output);
}

export function createBuildx(deps: BuilderDeps): Builder {
  return {
    name: 'buildx',
    async login(registry, credentials) {
      deps.onLogin?.('buildx', registry);
      await withPushRetries(
        `docker login to ${registry}`,
        () => deps.exec('docker', ['login', registry, '--username', credentials.username, '--password-stdin'], { input: credentials.password }),
        { attempts: PUSH_ATTEMPTS, sleep: deps.sleep, onRetry: deps.warning },
      );
    },
    async logout(registry) {
      // docker keeps what `docker login` stored in ~/.docker/config.json for every later step and job.
      const result = await deps.exec('docker', ['logout', registry], { stream: false, timeoutMs: 20_000 });
      if (result.code !== 0) deps.warning(`docker logout ${registry} failed: ${result.output.trim().split('\n').at(-1)}`);
    },
    async build(plan, options): Promise<BuildOutcome> {
      const inspected = await deps.exec('docker', ['buildx', 'inspect'], { stream: false, timeoutMs: 30_000 });
      const info = inspected.code === 0 ? parseInspect(inspected.output) : undefined;
      for (const step of builderSetup(info, plan.platforms).steps) {
        deps.info(`buildx: ${step.why}`);
        deps.info(`docker ${step.args.join(' ')}`);
        const result = await deps.exec('docker', step.args);
        if (result.code !== 0) throw new Error(`docker ${step.args.slice(0, 2).join(' ')} failed (${failureLine(result.output)}): ${step.why}`);
      }
      const metadataFile = join(deps.tempDir, 'buildx-metadata.json');
      const args = buildxArgs(plan, options, metadataFile);
      deps.info(`docker ${args.join(' ')}`);
      const run = () => deps.exec('docker', args, { env: plan.secretEnv });
      await withPushRetries(plan.push ? 'docker buildx build --push' : 'docker buildx build', run, {
        attempts: plan.push ? PUSH_ATTEMPTS : 1,
        sleep: deps.sleep,
        onRetry: deps.warning,
        isPushFailure,
      });
      const metadata = existsSync(metadataFile) ? (JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>) : {};
      const digest = typeof metadata['containerimage.digest'] === 'string' ? metadata['containerimage.digest'] : undefined;
      return { digest, metadata };
    },
  };
}
