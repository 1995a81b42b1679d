/**
 * Builds the real control plane into binaryDir() (${XDG_CACHE_HOME:-~/.cache}/sunday-actions/
 * k8s-<version>/) unless it is already there: kube-apiserver, kube-controller-manager and
 * kube-scheduler from the module in ../k8s, etcd from the module in ../etcd. The binaries land in a
 * temporary folder first and are moved in at the end, so a killed build never leaves a cache that
 * looks complete. build.json beside them records how long it took and how big they are.
 *
 * `tsx test/cluster/build/build.ts [--force]` (prints the folder). Needs go >= 1.26; GOTOOLCHAIN=local.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARIES, ETCD_VERSION, KUBERNETES_COMMIT, KUBERNETES_VERSION, binaryDir } from './versions.js';
import { ETCD_MODULE_DIR, ETCD_TOOL, K8S_MODULE_DIR, K8S_TOOLS } from './generate-go-mod.js';
import { goEnv } from './go.js';

/** The -X stamps without which `kubectl version` reports the server as v0.0.0-master. */
export function versionLdflags(version: string, commit: string, buildDate: string): string {
  const match = /^v(\d+)\.(\d+)\./.exec(version);
  if (!match) throw new Error(`not a version: ${version}`);
  const stamps = { gitVersion: version, gitMajor: match[1], gitMinor: match[2], gitCommit: commit, gitTreeState: 'clean', buildDate };
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    for (const [name, value] of Object.entries(stamps)) flags.push(`-X ${pkg}.${name}=${value}`);
  }
  // -s -w: no symbol table or DWARF, as upstream's release builds (smaller, links faster).
  return ['-s', '-w', ...flags].join(' ');
}

export function hasBinaries(dir = binaryDir()): boolean {
  return BINARIES.every((name) => existsSync(join(dir, name)));
}

function run(args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('nice', ['-n', '10', 'go', ...args], { cwd, env: goEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`go ${args[0]} failed (exit ${code}) in ${cwd}`))));
  });
}

/** The release date of the pinned module (from the module proxy's .info), so builds are reproducible. */
function releaseDate(): string {
  const info = join(process.env.GOMODCACHE || join(process.env.HOME ?? '/root', 'go', 'pkg', 'mod'), 'cache', 'download', 'k8s.io', 'kubernetes', '@v', `${KUBERNETES_VERSION}.info`);
  if (!existsSync(info)) return '1970-01-01T00:00:00Z';
  return (JSON.parse(readFileSync(info, 'utf8')) as { Time: string }).Time;
}

export interface BuildRecord {
  kubernetes: string;
  etcd: string;
  seconds: { download: number; build: number };
  bytes: Record<string, number>;
}

export async function buildControlPlane(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? ((line: string) => console.error(line));
  const dir = binaryDir();
  if (!options.force && hasBinaries(dir)) return dir;
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    log(`building Kubernetes ${KUBERNETES_VERSION} and etcd ${ETCD_VERSION} into ${dir} (12-30 min cold)`);
    const started = Date.now();
    await run(['mod', 'download'], K8S_MODULE_DIR);
    await run(['mod', 'download'], ETCD_MODULE_DIR);
    const downloaded = Date.now();
    await run(['build', '-trimpath', '-ldflags', '-s -w', '-o', join(staging, 'etcd'), ETCD_TOOL], ETCD_MODULE_DIR);
    await run(['build', '-trimpath', '-ldflags', versionLdflags(KUBERNETES_VERSION, KUBERNETES_COMMIT, releaseDate()), '-o', `${staging}/`, ...K8S_TOOLS], K8S_MODULE_DIR);
    const record: BuildRecord = {
      kubernetes: KUBERNETES_VERSION,
      etcd: ETCD_VERSION,
      seconds: { download: Math.round((downloaded - started) / 1000), build: Math.round((Date.now() - downloaded) / 1000) },
      bytes: Object.fromEntries(BINARIES.map((name) => [name, statSync(join(staging, name)).size])),
    };
    writeFileSync(join(staging, 'build.json'), JSON.stringify(record, null, 2) + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    log(`built in ${record.seconds.download + record.seconds.build} s: ${JSON.stringify(record.bytes)}`);
    return dir;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

if (process.argv[1] === import.meta.filename) {
  buildControlPlane({ force: process.argv.includes('--force') }).then(
    (dir) => console.log(dir),
    (error: Error) => {
      console.error(`::error::${error.message}`);
      process.exit(1);
    },
  );
}
