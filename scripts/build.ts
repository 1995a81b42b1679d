/**
 * Bundles every action under actions/ (each folder with an index.ts; lib/ is shared code) with
 * @vercel/ncc into <out>/<action>/. `--out DIR` builds elsewhere (the dist check builds into a
 * temporary folder and compares); `--only a,b` builds some actions. Types are checked by
 * `npm run typecheck`, so ncc only transpiles (faster, and one broken file does not block the rest).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { transformSync } from 'esbuild';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const nccCli = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');

/**
 * ncc's `-m` minifies the entry file only, not the chunks of lazily imported modules, where the
 * weight is (@kubernetes/client-node alone is a 20 MB chunk). So every emitted file is minified
 * here with esbuild: deterministic, and about a quarter of the size to parse at start-up.
 */
function minifyOutput(out: string): void {
  for (const file of readdirSync(out).filter((name) => name.endsWith('.js'))) {
    const path = join(out, file);
    const { code } = transformSync(readFileSync(path, 'utf8'), { minify: true, format: 'esm', target: 'es2023', legalComments: 'none' });
    writeFileSync(path, code);
  }
}

export function actionNames(): string[] {
  return readdirSync(join(root, 'actions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'actions', entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

async function buildOne(name: string, outRoot: string): Promise<void> {
  const out = join(outRoot, name);
  rmSync(out, { recursive: true, force: true });
  const args = [nccCli, 'build', join(root, 'actions', name, 'index.ts'), '-o', out, '--target', 'es2023', '--license', 'licenses.txt', '-q', '--transpile-only'];
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`ncc failed for ${name} (exit ${code})`))));
  });
  minifyOutput(out);
}

export async function build(outRoot: string, only?: string[]): Promise<string[]> {
  const names = only ?? actionNames();
  // Two at a time: the machines have two cores.
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) await buildOne(name, outRoot);
  };
  await Promise.all([worker(), worker()]);
  return names;
}

// Run as a script (not imported): compare as URLs, so paths with spaces match too.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const onlyAt = args.indexOf('--only');
  const outRoot = resolve(outAt >= 0 ? args[outAt + 1] : join(root, 'dist'));
  const only = onlyAt >= 0 ? args[onlyAt + 1].split(',') : undefined;
  const started = Date.now();
  const names = await build(outRoot, only);
  console.log(`built ${names.join(', ')} into ${outRoot} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
