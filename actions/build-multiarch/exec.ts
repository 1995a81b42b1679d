/**
 * Runs the builders' commands. Their output is streamed to the log (a build's progress is what a
 * user watches) and kept, bounded, for error messages and retry decisions. Argument lists are never
 * printed whole by this module: callers pass secrets through `input` or `env`, never argv.
 */
import { spawn } from 'node:child_process';

export interface ExecOptions {
  /** Written to the command's stdin (e.g. a password for `--password-stdin`), then closed. */
  input?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Stream the command's output to our stdout (default true). */
  stream?: boolean;
  timeoutMs?: number;
}

export interface ExecResult {
  /** Exit code; 127 when the command could not be started. */
  code: number;
  stdout: string;
  /** stdout and stderr interleaved, at most the last 64 KB. */
  output: string;
}

export type Exec = (command: string, args: string[], options?: ExecOptions) => Promise<ExecResult>;

const KEEP = 64 * 1024;

/** Commands still running, so that a cancelled step can stop them before it exits. */
const running = new Set<{ kill(signal?: NodeJS.Signals): boolean }>();

export function stopRunningCommands(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of running) child.kill(signal);
}

export const execProcess: Exec = (command, args, options = {}) =>
  new Promise((done) => {
    const child = spawn(command, args, {
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Our own timer, not spawn's `timeout`: that one outlives a command that never started
    // (ENOENT) and keeps the process alive until it fires.
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    running.add(child);
    const finish = (result: ExecResult) => {
      running.delete(child);
      clearTimeout(timer);
      done(result);
    };
    let stdout = '';
    let output = '';
    const take = (chunk: Buffer, isStdout: boolean) => {
      const text = chunk.toString('utf8');
      if (isStdout) stdout = (stdout + text).slice(-KEEP);
      output = (output + text).slice(-KEEP);
      if (options.stream !== false) process.stdout.write(text);
    };
    child.stdout.on('data', (chunk: Buffer) => take(chunk, true));
    child.stderr.on('data', (chunk: Buffer) => take(chunk, false));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ENOENT' ? 'not found on PATH' : error.message;
      finish({ code: 127, stdout, output: `${command}: ${reason}` });
    });
    child.on('close', (code, signal) => {
      if (code === null) output += `\n${command} was stopped by ${signal}`;
      finish({ code: code ?? 128, stdout, output });
    });
    child.stdin.on('error', () => undefined); // the command may exit without reading its stdin
    child.stdin.end(options.input ?? '');
  });

/** The line that explains a failure: the last `Error:`/`ERROR:` line, else the last non-empty one. */
export function failureLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const error = [...lines].reverse().find((line) => /^(error|ERROR|Error)\b|^#\d+ ERROR/.test(line));
  return (error ?? lines.at(-1) ?? 'no output').replace(/^(?:#\d+ )?error:\s*/i, '');
}
