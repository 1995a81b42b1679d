/**
 * act (github.com/nektos/act), the workflow engine `npm run test:workflows` runs ci.yml, cd.yml and
 * e2e.yml with. Built from its Go module at a pinned version into the user's tool cache
 * (`${XDG_CACHE_HOME:-~/.cache}/sunday-actions/act-<version>/act`), never committed:
 * GOTOOLCHAIN=local (the Go on this machine, no toolchain download), -trimpath, under nice.
 *
 *   tsx scripts/act.ts     builds it when missing and prints its path
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toolCache } from './system-deps/paths.ts';

/** The pinned release (`go list -m -versions github.com/nektos/act`); v0.2.87 or newer. */
export const ACT_VERSION = 'v0.2.89';
export const ACT_MODULE = 'github.com/nektos/act';

export function actBinary(env: NodeJS.ProcessEnv = process.env): string {
  return join(toolCache(env), `act-${ACT_VERSION}`, 'act');
}

/** The version act reports, or undefined when the binary is missing or broken. */
export function installedActVersion(binary = actBinary()): string | undefined {
  if (!existsSync(binary)) return undefined;
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** Builds act unless the pinned version is already there; returns the binary's path. */
export function ensureAct(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string {
  const binary = actBinary();
  if (installedActVersion(binary)?.endsWith(ACT_VERSION.slice(1))) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) throw new Error('act is built from its Go module: install Go (1.24 or newer) first');
  const target = join(toolCache(), `act-${ACT_VERSION}`);
  mkdirSync(toolCache(), { recursive: true });
  // Built into a fresh folder and renamed into place, so an interrupted build leaves nothing half-made.
  const staging = mkdtempSync(join(toolCache(), `.act-${ACT_VERSION}-`));
  log(`building ${ACT_MODULE}@${ACT_VERSION} into ${target} (a few minutes the first time)`);
  const build = spawnSync('nice', ['-n', '10', 'go', 'install', '-trimpath', `${ACT_MODULE}@${ACT_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOTOOLCHAIN: 'local', GOBIN: staging, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
  });
  if (build.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`go install ${ACT_MODULE}@${ACT_VERSION} failed (exit ${build.status})`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return binary;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureAct());
  } catch (error) {
    console.error(`::error::${(error as Error).message}`);
    process.exit(1);
  }
}
