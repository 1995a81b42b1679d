/**
 * Proves that dist/ is what `npm run build` makes from the sources: builds every action into a
 * temporary folder and compares each file byte for byte (ncc's output is deterministic here).
 */
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from './build.js';

const root = resolve(import.meta.dirname, '..');

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const fresh = mkdtempSync(join(tmpdir(), 'sunday-dist-'));
try {
  await build(fresh);
  const committed = join(root, 'dist');
  const names = new Set([...listFiles(committed), ...listFiles(fresh)]);
  const differing = [...names].filter((name) => {
    const a = join(committed, name);
    const b = join(fresh, name);
    return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
  });
  if (differing.length) {
    console.error(`dist/ does not match a fresh build; run \`npm run build\` and commit dist/. Differing files:\n  ${differing.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`dist/ matches a fresh build (${names.size} files)`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
