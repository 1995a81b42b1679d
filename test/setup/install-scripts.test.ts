/**
 * Install scripts of dependencies: approved or denied in package.json's allowScripts (npm 11's
 * `npm install-scripts approve|deny`), and `.npmrc`'s strict-allow-scripts turns a new, unreviewed
 * one into a failed `npm ci`. Shown with npm itself, on a project with a local tarball dependency.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness.js';

test('package.json approves the install scripts of node, esbuild and unrs-resolver and denies @parcel/watcher’s', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  expect(pkg.allowScripts).toEqual({ node: true, esbuild: true, 'unrs-resolver': true, '@parcel/watcher': false });
});

test('with the repository’s .npmrc, npm ci fails on a dependency whose install script nobody approved', () => {
  const dir = mkdtempSync(join(tmpdir(), 'install-scripts-'));
  try {
    const dep = join(dir, 'dep');
    mkdirSync(dep);
    writeFileSync(join(dep, 'package.json'), JSON.stringify({ name: 'dep-with-script', version: '1.0.0', scripts: { postinstall: "node -e \"require('fs').writeFileSync('ran', '')\"" } }));
    // Not the settings of the `npm test` we run under (its npm_config_local_prefix names this repository).
    const outside = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
    const env = { ...outside, npm_config_cache: join(dir, 'cache') };
    execFileSync('npm', ['pack', '--silent'], { cwd: dep, env, stdio: 'ignore' });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', private: true, dependencies: { 'dep-with-script': 'file:dep/dep-with-script-1.0.0.tgz' } }));
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'ignore' });
    const lenient = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    // npm's default: a warning, and the script runs all the same.
    expect(lenient.stderr).toContain('install-scripts');
    expect(lenient.status).toBe(0);
    expect(existsSync(join(dir, 'node_modules', 'dep-with-script', 'ran'))).toBe(true);
    rmSync(join(dir, 'node_modules'), { recursive: true, force: true });

    copyFileSync(join(repoRoot, '.npmrc'), join(dir, '.npmrc'));
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    expect(ci.stderr).toContain('ESTRICTALLOWSCRIPTS');
    expect(ci.stderr).toContain('dep-with-script@1.0.0');
    expect(ci.status).not.toBe(0);
    expect(existsSync(join(dir, 'node_modules', 'dep-with-script', 'ran'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
