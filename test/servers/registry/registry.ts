/**
 * Debian's real `docker-registry` (distribution 2.8), started on 127.0.0.1 with htpasswd auth in a
 * temporary folder of its own (config YAML, bcrypt htpasswd from `htpasswd -B`, filesystem storage).
 * It is the real registry, so it answers exactly as one does (Basic challenge, OCI index, digests).
 * Not emulated: TLS, token (Bearer) auth, storage other than the filesystem. Faults are injected by
 * ./fault-proxy.ts in front of it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Registry {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, as it appears in an image reference. */
  host: string;
  /** The registry's log, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** user → password; all of them may push and pull. */
  users: Record<string, string>;
}

/** A free loopback port: the registry takes an address, not a listening socket. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function htpasswdLine(user: string, password: string): string {
  // -C 4: the lowest bcrypt cost keeps a login fast; the format is what the registry reads.
  return execFileSync('htpasswd', ['-nbB', '-C', '4', user, password], { encoding: 'utf8' }).trim();
}

async function waitUntilAnswering(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}):\n${log()}`);
    try {
      const response = await fetch(`${url}/v2/`);
      await response.arrayBuffer();
      if (response.status === 401 || response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`docker-registry did not answer within 15 s:\n${log()}`);
}

async function startOnce(options: RegistryOptions): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const port = await freePort();
  const lines = Object.entries(options.users).map(([user, password]) => htpasswdLine(user, password));
  writeFileSync(join(dir, 'htpasswd'), lines.join('\n') + '\n');
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: info',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      'auth:',
      '  htpasswd:',
      '    realm: basic-realm',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'registry.log');
  const out = openSync(logFile, 'w');
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', out, out] });
  closeSync(out);
  const log = () => readFileSync(logFile, 'utf8');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(url, child, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, host: `127.0.0.1:${port}`, log, stop };
}

/** Starts the registry; retried once, in case another test took the free port in between. */
export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  try {
    return await startOnce(options);
  } catch {
    return startOnce(options);
  }
}
