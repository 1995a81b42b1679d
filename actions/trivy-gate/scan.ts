/**
 * The `image` mode: runs `trivy image --format json --output <file> <image>` with Trivy's database
 * kept in the Actions cache under a key by date, so repeated runs do not each pull the database
 * from its registry (which rate-limits: trivy-action #389, #430). The cache is a convenience: a
 * missing cache service or a failing cache call only warns, and the scan goes on.
 * Trivy is told to apply no ignore file (the gate applies them, to count what they remove).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const CACHE_KEY_PREFIX = 'trivy-db-';

/** Today's key (UTC date): one database per day is fresh enough, Trivy's own DB is rebuilt every 6 h. */
export function cacheKey(now: Date): string {
  return `${CACHE_KEY_PREFIX}${now.toISOString().slice(0, 10)}`;
}

/** Trivy's cache folder: TRIVY_CACHE_DIR, else Trivy's default ~/.cache/trivy. */
export function trivyCacheDir(env: NodeJS.ProcessEnv): string {
  return env.TRIVY_CACHE_DIR || join(env.HOME || homedir(), '.cache', 'trivy');
}

/** The database folders worth caching (not the per-image layer cache). */
export function cachedPaths(cacheDir: string): string[] {
  return [join(cacheDir, 'db'), join(cacheDir, 'java-db')];
}

export function trivyArgs(image: string, output: string, cacheDir: string, noIgnoreFile: string): string[] {
  return ['image', '--format', 'json', '--output', output, '--cache-dir', cacheDir, '--ignorefile', noIgnoreFile, '--no-progress', image];
}

export function findOnPath(command: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface DbCache {
  /** Whether a cache service is configured for this job. */
  available(): boolean;
  restore(paths: string[], key: string, restoreKeys: string[]): Promise<string | undefined>;
  /** Whether the entry was saved (@actions/cache reports most failures by returning, not throwing). */
  save(paths: string[], key: string): Promise<boolean>;
}

export interface ScanLog {
  info(message: string): void;
  warning(message: string): void;
}

export interface ScanOptions {
  image: string;
  /** Where the report is written (a new folder is made in it). */
  tempDir: string;
  env: NodeJS.ProcessEnv;
  now: Date;
  cache: DbCache;
  log: ScanLog;
}

export const INSTALL_HINT =
  'Trivy is not installed: no `trivy` on PATH. Install it in an earlier step (for example with the aquasecurity/setup-trivy ' +
  'action pinned to a commit SHA, or see https://trivy.dev/latest/getting-started/installation/), or give `report` instead of `image`.';

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('close', (code) => done(code));
  });
}

async function restoreDb(options: ScanOptions, paths: string[], key: string): Promise<string | undefined> {
  const { cache, log } = options;
  if (!cache.available()) {
    log.warning('No Actions cache service in this job (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL unset): Trivy downloads its database, and it is not kept for the next run');
    return undefined;
  }
  try {
    const hit = await cache.restore(paths, key, [CACHE_KEY_PREFIX]);
    log.info(hit ? `Trivy database restored from the cache (key ${hit})` : `No cached Trivy database for ${key}`);
    return hit;
  } catch (error) {
    log.warning(`Restoring the Trivy database from the cache failed, scanning without it: ${(error as Error).message}`);
    return undefined;
  }
}

async function saveDb(options: ScanOptions, paths: string[], key: string): Promise<void> {
  if (!existsSync(paths[0])) return; // Trivy wrote no database (e.g. --offline-scan): nothing to keep
  try {
    if (await options.cache.save(paths, key)) options.log.info(`Trivy database saved to the cache under ${key}`);
    else options.log.warning(`The Trivy database was not saved to the cache under ${key} (see the log above)`);
  } catch (error) {
    options.log.warning(`Saving the Trivy database to the cache failed: ${(error as Error).message}`);
  }
}

/** Scans the image and returns the path of the JSON report Trivy wrote. */
export async function scanImage(options: ScanOptions): Promise<string> {
  const trivy = findOnPath('trivy', options.env.PATH);
  if (!trivy) throw new Error(INSTALL_HINT);

  const cacheDir = trivyCacheDir(options.env);
  const paths = cachedPaths(cacheDir);
  const key = cacheKey(options.now);
  options.log.info(`Trivy database cache key: ${key} (restore prefix ${CACHE_KEY_PREFIX})`);
  const hit = await restoreDb(options, paths, key);

  const dir = mkdtempSync(join(options.tempDir, 'trivy-gate-'));
  const output = join(dir, 'report.json');
  const noIgnoreFile = join(dir, 'empty.trivyignore');
  writeFileSync(noIgnoreFile, '');
  const code = await run(trivy, trivyArgs(options.image, output, cacheDir, noIgnoreFile), options.env);
  if (code !== 0) throw new Error(`trivy image failed with exit code ${code} (see its log above)`);
  if (!existsSync(output)) throw new Error(`trivy image exited 0 but wrote no report at ${output}`);

  if (hit !== key && options.cache.available()) await saveDb(options, paths, key);
  return output;
}
