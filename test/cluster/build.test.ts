/**
 * The pieces of the cluster's build and start-up that need no binaries: the staging replace list
 * read from upstream's go.mod, the version stamps, and the clean-up of a killed run's leftovers
 * (a real process whose command line names the run's folder).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { versionLdflags } from './build/build.js';
import { k8sGoMod, stagingReplacements } from './build/generate-go-mod.js';
import { KUBERNETES_VERSION, stagingVersion } from './build/versions.js';
import { DATA_PREFIX, removeStaleRuns } from './processes.js';

const UPSTREAM = `module k8s.io/kubernetes

go 1.23.0

require (
	k8s.io/api v0.0.0
	github.com/spf13/cobra v1.8.1
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/apimachinery => ./staging/src/k8s.io/apimachinery
	github.com/example/fork => github.com/example/fork v1.0.0
)

replace k8s.io/kms => ./staging/src/k8s.io/kms
`;

test('the staging modules are read from upstream go.mod, block and single-line forms, nothing else', () => {
  expect(stagingReplacements(UPSTREAM)).toEqual(['k8s.io/api', 'k8s.io/apimachinery', 'k8s.io/kms']);
  const goMod = k8sGoMod('v1.32.9', stagingReplacements(UPSTREAM));
  expect(goMod).toContain('require k8s.io/kubernetes v1.32.9');
  expect(goMod).toContain('\tk8s.io/kms => k8s.io/kms v0.32.9\n');
  expect(goMod).toContain('tool k8s.io/kubernetes/cmd/kube-apiserver');
  expect(stagingVersion('v1.32.9')).toBe('v0.32.9');
  expect(() => stagingVersion('1.32')).toThrow('not a Kubernetes release version');
});

test('the committed go.mod is what the generator writes for the pinned version', () => {
  const committed = readFileSync(join(import.meta.dirname, 'k8s', 'go.mod'), 'utf8');
  expect(committed).toMatch(new RegExp(`^\\s*(require )?k8s\\.io/kubernetes ${KUBERNETES_VERSION.replaceAll('.', '\\.')}( // indirect)?$`, 'm'));
  const replaced = [...committed.matchAll(/^\t(k8s\.io\/[\w.-]+) => \1 (v[\d.]+)$/gm)];
  expect(replaced.length).toBeGreaterThan(25);
  expect(new Set(replaced.map((m) => m[2]))).toEqual(new Set([stagingVersion(KUBERNETES_VERSION)]));
});

test('the version stamps of both version packages', () => {
  const flags = versionLdflags('v1.32.9', 'abc', '2025-09-09T00:00:00Z');
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    for (const stamp of ['gitVersion=v1.32.9', 'gitMajor=1', 'gitMinor=32', 'gitCommit=abc', 'gitTreeState=clean', 'buildDate=2025-09-09T00:00:00Z']) {
      expect(flags).toContain(`-X ${pkg}.${stamp}`);
    }
  }
});

test("a killed run's folder goes with the processes that name it; live runs and other processes stay", async () => {
  const root = mkdtempSync(join(tmpdir(), 'stale-runs-'));
  try {
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    const staleDir = join(root, `${DATA_PREFIX}${dead.pid}-x`);
    const liveDir = join(root, `${DATA_PREFIX}${process.pid}-y`);
    mkdirSync(staleDir);
    mkdirSync(liveDir);
    // A leftover "etcd": a process whose command line names the stale folder.
    const idle = ['-e', 'setTimeout(() => {}, 600_000)'];
    const leftover = spawn(process.execPath, [...idle, staleDir], { stdio: 'ignore' });
    const bystander = spawn(process.execPath, idle, { stdio: 'ignore' });
    writeFileSync(join(staleDir, 'pids'), `${leftover.pid}\n${bystander.pid}\n`);
    const ended = new Promise((resolve) => leftover.on('exit', (_code, signal) => resolve(signal)));
    expect(removeStaleRuns(root)).toEqual([staleDir]);
    expect(await ended).toBe('SIGKILL');
    expect(existsSync(staleDir)).toBe(false);
    expect(existsSync(liveDir)).toBe(true);
    expect(bystander.exitCode).toBeNull();
    bystander.kill();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
