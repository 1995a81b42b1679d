/**
 * The control plane's child processes: each logs to a file in the data folder, its pid is written
 * down there, and a run that was killed (SIGKILL leaves children running) is cleaned up by the next
 * start: its processes are ended — only those whose command line still names that run's folder, so
 * a reused pid is never hit — and its folder removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';

export const DATA_PREFIX = 'sunday-cluster-';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/** Removes what killed runs left: folders `sunday-cluster-<pid>-*` whose owner is dead, and their processes. */
export function removeStaleRuns(root = tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(root)) {
    const owner = new RegExp(`^${DATA_PREFIX}(\\d+)-`).exec(name);
    if (!owner || alive(Number(owner[1]))) continue;
    const dir = join(root, name);
    const pidsFile = join(dir, 'pids');
    const pids = existsSync(pidsFile) ? readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number) : [];
    for (const pid of pids) if (commandLine(pid).includes(dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

export function makeDataDir(root = tmpdir()): string {
  return mkdtempSync(join(root, `${DATA_PREFIX}${process.pid}-`));
}

/** A free loopback port (the OS picks; the short window before the child binds is accepted). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Supervised {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Set once the process has ended. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

export class Supervisor {
  readonly processes: Supervised[] = [];
  private stopping = false;

  constructor(
    private readonly dataDir: string,
    /** Called when a process ends on its own while the cluster runs. */
    private readonly onUnexpectedExit: (process: Supervised) => void = () => undefined,
  ) {}

  start(name: string, binary: string, args: string[], env: NodeJS.ProcessEnv = process.env): Supervised {
    const logFile = join(this.dataDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(binary, args, { stdio: ['ignore', fd, fd], env });
    closeSync(fd);
    const supervised: Supervised = { name, child, logFile };
    this.processes.push(supervised);
    writeFileSync(join(this.dataDir, 'pids'), this.processes.map((p) => p.child.pid).join('\n') + '\n');
    child.on('exit', (code, signal) => {
      supervised.exit = { code, signal };
      if (!this.stopping) this.onUnexpectedExit(supervised);
    });
    return supervised;
  }

  /** The last lines a process logged: what a start-up error shows. */
  tail(supervised: Supervised, lines = 15): string {
    try {
      return readFileSync(supervised.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** SIGTERM to all, newest first; SIGKILL to any still running after `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    for (const supervised of [...this.processes].reverse()) {
      if (supervised.exit || supervised.child.exitCode !== null || supervised.child.signalCode !== null) continue;
      const ended = new Promise<void>((resolve) => supervised.child.once('exit', () => resolve()));
      supervised.child.kill('SIGTERM');
      const timer = setTimeout(() => supervised.child.kill('SIGKILL'), graceMs);
      await ended;
      clearTimeout(timer);
    }
  }
}
