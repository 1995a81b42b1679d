/**
 * What the benchmarks measure of a process: wall time (spawn to exit, as seen by the parent) and
 * peak memory (maximum resident set, read by GNU time from the kernel's rusage of the child, so
 * the measured program is not changed). A committed bundle runs through runner/ exactly as in the
 * tests; the floor it is compared with is spawned the same way, in the same clean environment.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type RunOptions, type RunResult } from '../runner/index.js';

export const GNU_TIME = '/usr/bin/time';

export interface Measured {
  wallMs: number;
  maxRssMiB: number;
  /** User + system CPU time: on a machine shared with busy neighbours, steadier than wall time. */
  cpuMs: number;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

export const flag = (name: string) => process.argv.includes(`--${name}`);

/** The 1-, 5- and 15-minute load averages and the core count, to say how busy the machine was. */
export function machineLoad(): string {
  const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
  return `load average ${one} / ${five} / ${fifteen} on ${availableParallelism()} cores`;
}

/** A folder with a `node` stand-in that runs this Node under GNU time, writing the peak RSS to a file. */
export class RssProbe {
  readonly dir = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  readonly node = join(this.dir, 'node');
  private readonly out = join(this.dir, 'rss');

  constructor(nodeArgs: string[] = []) {
    if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: install GNU time (Debian package 'time') to measure peak memory`);
    const extra = nodeArgs.map((arg) => `'${arg}'`).join(' ');
    writeFileSync(this.node, `#!/bin/bash\n# bash, not sh: dash drops INPUT_BASE-URL and every variable whose name has a hyphen\nexec ${GNU_TIME} -f '%M %U %S' -o '${this.out}' '${process.execPath}' ${extra} "$@"\n`);
    chmodSync(this.node, 0o755);
  }

  /** Peak RSS (MiB) and CPU time (ms) of the last process run through `node`. */
  last(): { maxRssMiB: number; cpuMs: number } {
    const [kib, user, system] = (readFileSync(this.out, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (![kib, user, system].every(Number.isFinite)) throw new Error(`GNU time wrote no figures to ${this.out}`);
    return { maxRssMiB: kib / 1024, cpuMs: (user + system) * 1000 };
  }

  /** Runs `node <args>` in a clean environment (PATH and HOME, as a runner's step has). */
  async command(args: string[], cwd: string): Promise<Measured & { stdout: string; code: number | null }> {
    const started = performance.now();
    const child = spawn(this.node, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const code = await new Promise<number | null>((done, fail) => {
      child.on('error', fail);
      child.on('close', done);
    });
    return { wallMs: performance.now() - started, ...this.last(), stdout, code };
  }

  /** Runs a committed action through runner/ (wall time from spawn to exit, as runner/ reports it). */
  async step(options: RunOptions): Promise<Measured & { result: RunResult }> {
    const result = await runAction({ ...options, nodePath: this.node });
    return { wallMs: result.durationMs, ...this.last(), result };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Medians of a series, and a line with each figure's range. */
export function describeSeries(series: Measured[]): { wallMs: number; rssMiB: number; cpuMs: number; text: string } {
  const walls = series.map((m) => m.wallMs);
  const rss = series.map((m) => m.maxRssMiB);
  const cpus = series.map((m) => m.cpuMs);
  const wallMs = median(walls);
  const rssMiB = median(rss);
  const cpuMs = median(cpus);
  const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
  return {
    wallMs,
    rssMiB,
    cpuMs,
    text: `${wallMs.toFixed(0)} ms wall (${range(walls)}), ${cpuMs.toFixed(0)} ms CPU (${range(cpus)}), ${rssMiB.toFixed(0)} MiB peak RSS (${range(rss)})`,
  };
}
