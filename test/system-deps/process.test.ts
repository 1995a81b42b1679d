/**
 * scripts/system-deps.ts run as npm's pretest runs it: plain node (Node 24 strips the types).
 * Present → exit 0 at once. A program missing for a user who cannot install it → one line, exit 1,
 * fast: the test drops to `nobody` and gives it a PATH that hides shellcheck.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness.js';

const script = join(repoRoot, 'scripts', 'system-deps.ts');

test('all present: it says so and exits 0', () => {
  const run = spawnSync(process.execPath, [script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^system-deps: \d+ programs present \(\d+ ms\)\n$/);
  expect(run.status).toBe(0);
});

/** A folder of links to every program on the usual PATH but `hidden`. */
function pathWithout(hidden: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'system-deps-path-'));
  chmodSync(dir, 0o755);
  for (const from of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (name === hidden || existsSync(join(dir, name))) continue;
      symlinkSync(join(from, name), join(dir, name));
    }
  }
  return dir;
}

/**
 * `nobody` must reach node and the script. A clone under a private folder (mktemp -d makes 0700)
 * hides both, so they are copied into a world-readable one: the test is about the script, not
 * about where the clone lives.
 */
function reachableByNobody(): { node: string; script: string; dir?: string } {
  const canRead = (path: string) => spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-x', path]).status === 0;
  if (canRead(process.execPath) && canRead(script)) return { node: process.execPath, script };
  const dir = mkdtempSync(join(tmpdir(), 'system-deps-copy-'));
  chmodSync(dir, 0o755);
  copyFileSync(process.execPath, join(dir, 'node'));
  chmodSync(join(dir, 'node'), 0o755);
  cpSync(join(repoRoot, 'scripts'), join(dir, 'scripts'), { recursive: true });
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  return { node: join(dir, 'node'), script: join(dir, 'scripts', 'system-deps.ts'), dir };
}

const asRoot = process.getuid?.() === 0 && existsSync('/usr/sbin/runuser');
(asRoot ? test : test.skip)('a user without root or sudo, shellcheck missing: one line naming it and how to get it, exit 1, in under 5 s', () => {
  const bin = pathWithout('shellcheck');
  const cache = mkdtempSync(join(tmpdir(), 'system-deps-cache-'));
  chmodSync(cache, 0o777);
  const reachable = reachableByNobody();
  try {
    const started = performance.now();
    const run = spawnSync('runuser', ['-u', 'nobody', '--', 'env', '-i', `PATH=${bin}`, `HOME=${cache}`, `XDG_CACHE_HOME=${cache}`, 'SYSTEM_DEPS_ONLY=git,unzip,shellcheck', reachable.node, reachable.script], { cwd: reachable.dir ?? repoRoot, encoding: 'utf8', timeout: 30_000 });
    const seconds = (performance.now() - started) / 1000;
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'system-deps: the tests cannot run on this machine: shellcheck is missing, cannot install here: not root, no passwordless sudo or no apt-get (the workflow lint; to get it: apt-get install shellcheck). Get it, then run npm test again.\n',
    );
    expect(run.status).toBe(1);
    expect(seconds).toBeLessThan(5);
  } finally {
    rmSync(bin, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
    if (reachable.dir) rmSync(reachable.dir, { recursive: true, force: true });
  }
});
