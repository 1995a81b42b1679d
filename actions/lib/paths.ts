/**
 * Paths named by inputs. A path to read must at least be one the file system can take (a 100 KB
 * value would otherwise end in a raw ENAMETOOLONG naming no input); a path to write must also stay
 * inside the job's workspace or RUNNER_TEMP, symbolic links followed, so an input cannot make an
 * action write `../../etc/passwd` or through a link planted in the checkout.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, type Env } from './inputs.js';

/** Linux's PATH_MAX and NAME_MAX. */
export const MAX_PATH_LENGTH = 4096;
export const MAX_NAME_LENGTH = 255;

/** Refuses what no file system takes: too long, a too-long component, or a NUL byte. */
export function checkPathText(input: string, value: string): string {
  if (value.includes('\0')) throw new InputError(input, 'must be a path without NUL bytes');
  if (value.length > MAX_PATH_LENGTH) throw new InputError(input, `must be a path of at most ${MAX_PATH_LENGTH} characters`);
  if (value.split(/[/\\]/).some((part) => Buffer.byteLength(part) > MAX_NAME_LENGTH)) {
    throw new InputError(input, `must be a path whose every file or folder name has at most ${MAX_NAME_LENGTH} bytes`);
  }
  return value;
}

/** The real path of `path`, following links through its deepest existing ancestor. */
function realPathOf(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    rest.unshift(basename(existing));
    existing = parent;
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    real = existing;
  }
  return join(real, ...rest);
}

function isInside(path: string, folder: string): boolean {
  const inside = relative(folder, path);
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

export interface WriteRoots {
  /** The job's workspace (GITHUB_WORKSPACE, else the working directory). */
  workspace: string;
  /** RUNNER_TEMP, when the runner sets it. */
  runnerTemp?: string;
}

/** Where an action may write files that an input names. */
export function writeRoots(env: Env = process.env, cwd = process.cwd()): WriteRoots {
  return { workspace: env.GITHUB_WORKSPACE || cwd, runnerTemp: env.RUNNER_TEMP || undefined };
}

/**
 * The absolute path an input names for a file to write, relative to the workspace; an InputError
 * unless it lies inside the workspace or RUNNER_TEMP once every symbolic link is followed.
 */
export function resolveWritablePath(input: string, value: string, roots: WriteRoots): string {
  checkPathText(input, value);
  const path = resolve(roots.workspace, value);
  const real = realPathOf(path);
  const allowed = [roots.workspace, roots.runnerTemp].filter((root): root is string => Boolean(root)).map((root) => realPathOf(resolve(root)));
  if (!allowed.some((root) => isInside(real, root) && real !== root)) {
    throw new InputError(input, `must name a file inside the workspace or RUNNER_TEMP (${value} is outside both)`);
  }
  return path;
}
