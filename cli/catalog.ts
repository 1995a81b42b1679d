/** The actions of this repository: each root folder holding an action.yml. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadActionMetadata, type ActionMetadata } from '../runner/index.js';

export const repoRoot = resolve(import.meta.dirname, '..');

export function actionNames(root = repoRoot): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && existsSync(join(root, entry.name, 'action.yml')))
    .map((entry) => entry.name)
    .sort();
}

export function loadAction(name: string, root = repoRoot): ActionMetadata {
  return loadActionMetadata(join(root, name));
}
