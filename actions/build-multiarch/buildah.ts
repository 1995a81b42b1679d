/**
 * buildah (for runners without a Docker engine; Debian 12 ships 1.28): `build --platform … --manifest
 * <list>` builds every platform into a local manifest list, then `manifest push --all` sends the
 * list and its images to each reference. vfs storage and chroot isolation need no kernel features a
 * container runner may lack. `--tls-verify=false` only ever for loopback registries.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Builder, BuilderDeps, BuildOutcome } from './builder.js';
import { tagsOf, type BuildPlan } from './plan.js';
import { PUSH_ATTEMPTS, withPushRetries } from './push-retry.js';
import { failureLine } from './exec.js';
import { isLoopbackRegistry, type ImageRepository } from './reference.js';

export const BUILDAH_GLOBAL = ['--storage-driver', 'vfs'];

function tlsArgs(registry: string): string[] {
  return isLoopbackRegistry(registry) ? ['--tls-verify=false'] : [];
}

/** No cache flags: buildah gets no cache (checkForBuilder says why). */
export function buildahBuildArgs(plan: BuildPlan, listName: string): string[] {
  const args = [...BUILDAH_GLOBAL, 'build', '--isolation', 'chroot', '--platform', plan.platforms.join(','), '--manifest', listName];
  if (plan.file) args.push('--file', plan.file);
  if (plan.target) args.push('--target', plan.target);
  for (const [key, value] of plan.buildArgs) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of Object.entries(plan.labels)) args.push('--label', `${key}=${value}`);
  for (const secret of plan.secrets) args.push('--secret', `id=${secret.id},env=${secret.env}`);
  args.push(plan.context);
  return args;
}

/**
 * No `--digestfile`: buildah 1.28 then overwrites the push's error with the result of writing that
 * file, exits 0 after a failed push and prints no error. The digest is read from the registry.
 */
export function buildahPushArgs(listName: string, image: ImageRepository, tag: string): string[] {
  return [...BUILDAH_GLOBAL, 'manifest', 'push', '--all', ...tlsArgs(image.registry), listName, `docker://${image.name}:${tag}`];
}

export function buildahLoginArgs(registry: string, username: string): string[] {
  return [...BUILDAH_GLOBAL, 'login', ...tlsArgs(registry), '--username', username, '--password-stdin', registry];
}

/** A local list name no other run on this machine uses: `--manifest` adds to an existing list. */
export function localListName(env: Record<string, string | undefined> = process.env): string {
  const run = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB].filter(Boolean).join('-');
  return `localhost/build-multiarch-${(run || 'local').replace(/[^a-z0-9_.-]/gi, '-').toLowerCase()}-${process.pid}-${Date.now()}`;
}

/**
 * buildah's credentials go to an auth file of this run, in its private temporary folder (removed on
 * every exit path), never to the user's: it starts as a copy of the user's file, so private base
 * images still pull, and what `buildah login` adds to it dies with the folder.
 */
export function privateAuthFile(tempDir: string, env: Record<string, string | undefined> = process.env): string {
  const file = join(tempDir, 'auth.json');
  const existing = [env.REGISTRY_AUTH_FILE, env.XDG_RUNTIME_DIR && join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')].find(
    (path): path is string => Boolean(path) && existsSync(path!),
  );
  if (!existsSync(file)) {
    mkdirSync(tempDir, { recursive: true });
    writeFileSync(file, existing ? readFileSync(existing) : '{"auths":{}}\n', { mode: 0o600 });
  }
  return file;
}

export function createBuildah(deps: BuilderDeps): Builder {
  const authEnv = () => ({ REGISTRY_AUTH_FILE: privateAuthFile(deps.tempDir) });
  const exec: BuilderDeps['exec'] = (command, args, options = {}) => deps.exec(command, args, { ...options, env: { ...options.env, ...authEnv() } });
  return {
    name: 'buildah',
    async login(registry, credentials) {
      deps.onLogin?.('buildah', registry);
      await withPushRetries(`buildah login to ${registry}`, () => exec('buildah', buildahLoginArgs(registry, credentials.username), { input: credentials.password }), {
        attempts: PUSH_ATTEMPTS,
        sleep: deps.sleep,
        onRetry: deps.warning,
      });
    },
    async logout(registry) {
      await exec('buildah', [...BUILDAH_GLOBAL, 'logout', registry], { stream: false, timeoutMs: 20_000 });
    },
    async build(plan): Promise<BuildOutcome> {
      const listName = localListName();
      const metadata = { 'buildah.manifest-list': listName };
      try {
        const buildArgs = buildahBuildArgs(plan, listName);
        deps.info(`buildah ${buildArgs.join(' ')}`);
        const built = await exec('buildah', buildArgs, { env: plan.secretEnv });
        if (built.code !== 0) throw new Error(`buildah build failed: ${failureLine(built.output)}`);
        if (!plan.push) return { metadata };
        for (const image of plan.images) {
          for (const tag of tagsOf(plan, image)) {
            const args = buildahPushArgs(listName, image, tag);
            deps.info(`buildah ${args.join(' ')}`);
            await withPushRetries(`buildah manifest push to ${image.name}:${tag}`, () => exec('buildah', args), {
              attempts: PUSH_ATTEMPTS,
              sleep: deps.sleep,
              onRetry: deps.warning,
            });
          }
        }
        return { metadata };
      } finally {
        await exec('buildah', [...BUILDAH_GLOBAL, 'manifest', 'rm', listName], { stream: false });
      }
    },
  };
}
