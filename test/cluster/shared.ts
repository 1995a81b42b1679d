/**
 * One real cluster per jest run, started by the first test file that asks for it and shared by
 * every worker: jest's globalSetup (jest-setup.mjs) only makes a run folder; `sharedCluster()`
 * takes a lock in it (an atomic mkdir), starts `test/cluster/cli.ts` detached, and every other
 * worker waits — on a file watch, not a sleep — for its state file; globalTeardown
 * (jest-teardown.mjs) stops it. A run
 * that selects no real-tier test starts nothing and pays nothing.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const RUN_DIR_ENV = 'SUNDAY_CLUSTER_RUN_DIR';
const root = resolve(import.meta.dirname, '..', '..');

export interface ClusterState {
  pid: number;
  url: string;
  /** Path of the kubeconfig the cluster wrote (contexts admin and deployer). */
  kubeconfig: string;
  timings: Record<string, number>;
}

function runDir(): string {
  // Without jest's globalSetup (a script, a debugger): a folder of this process, the cluster
  // stopped when it exits.
  if (!process.env[RUN_DIR_ENV]) {
    process.env[RUN_DIR_ENV] = mkdtempSync(join(tmpdir(), 'sunday-cluster-run-'));
    process.once('exit', () => {
      const state = readState(process.env[RUN_DIR_ENV]!);
      if (state) process.kill(state.pid, 'SIGTERM');
    });
  }
  return process.env[RUN_DIR_ENV]!;
}

const readState = (dir: string): ClusterState | undefined => (existsSync(join(dir, 'state.json')) ? (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as ClusterState) : undefined);
const readError = (dir: string): string | undefined => (existsSync(join(dir, 'failed')) ? readFileSync(join(dir, 'failed'), 'utf8') : undefined);

function startDetached(dir: string): void {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const logFd = openSync(join(dir, 'cluster.log'), 'a');
  const child = spawn(process.execPath, [tsx, join(root, 'test', 'cluster', 'cli.ts'), '--kubeconfig', join(dir, 'kubeconfig'), '--state', join(dir, 'state.json'), '--verbose'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.on('exit', (code) => {
    // Ended before it was ready: tell the waiting workers why, at once.
    if (!readState(dir)) {
      const lines = readFileSync(join(dir, 'cluster.log'), 'utf8').trim().split('\n');
      const reason = lines.filter((line) => line.includes('::error::')).join('\n') || lines.slice(-10).join('\n');
      writeFileSync(join(dir, 'failed'), `the cluster exited (${code}) before it was ready: ${reason}`);
    }
  });
  child.unref();
}

/** The run's cluster: started by the first caller, waited for by the others. Cold builds take long. */
export async function sharedCluster(timeoutMs = 45 * 60_000): Promise<ClusterState> {
  const dir = runDir();
  try {
    mkdirSync(join(dir, 'lock'));
    startDetached(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return new Promise((resolvePromise, reject) => {
    const watcher = watch(dir);
    const timer = setTimeout(() => finish(() => reject(new Error(`the shared cluster was not ready after ${timeoutMs / 1000}s (see ${join(dir, 'cluster.log')})`))), timeoutMs);
    const finish = (outcome: () => void) => {
      watcher.close();
      clearTimeout(timer);
      outcome();
    };
    const check = () => {
      const state = readState(dir);
      if (state) return finish(() => resolvePromise(state)), true;
      const failure = readError(dir);
      if (failure) return finish(() => reject(new Error(failure))), true;
      return false;
    };
    watcher.on('change', check);
    check();
  });
}
