/** Where the project keeps tools it installs or builds itself: the user's cache, never the repository. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { programs } from './programs.ts';

/** `${XDG_CACHE_HOME:-~/.cache}/sunday-actions`. */
export function toolCache(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sunday-actions');
}

/** The tool-cache folders of every program entry, whether they exist or not. */
export function toolDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = programs.flatMap((p) => p.sources.flatMap((s) => ('dir' in s ? [join(toolCache(env), s.dir)] : [])));
  return [...new Set(dirs)];
}

/** PATH with the existing tool-cache folders first: what the tests run with. */
export function pathWithTools(env: NodeJS.ProcessEnv = process.env): string {
  const current = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const tools = toolDirs(env).filter((dir) => existsSync(dir) && !current.includes(dir));
  return [...tools, ...current].join(delimiter);
}
