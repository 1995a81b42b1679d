/**
 * The few runner commands a fast action needs, written as @actions/core 3 writes them (outputs as
 * `name<<ghadelimiter_<uuid>` blocks in GITHUB_OUTPUT, `::warning::` lines escaped the same way,
 * the job summary appended to GITHUB_STEP_SUMMARY), without loading @actions/core: its import
 * brings undici and @actions/http-client and costs more than the rest of a trivy-gate start-up
 * (bench/README.md). Actions that talk to GitHub keep using @actions/core for that.
 * Outputs and the summary still pass through the masking every action applies besides the log: the
 * credentials and secret query values of URLs (and, through ./secrets.ts, every registered secret).
 */
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { escapeData } from './action.js';
import { redactUrls } from './secret-names.js';

const commandValue = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`);
}

/**
 * Log lines written once per turn of the event loop: when many requests end together (a wave of 50
 * smoke checks), one write instead of one each — stdout to the runner is a pipe, and a pipe write is
 * a blocking system call on Linux. Call `flush` before anything else is written.
 */
export class BatchedLog {
  private lines: string[] = [];
  private scheduled = false;

  info(message: string): void {
    this.lines.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    process.stdout.write(`${this.lines.join(EOL)}${EOL}`);
    this.lines = [];
  }
}

export function notice(message: string): void {
  process.stdout.write(`::notice::${escapeData(message)}${EOL}`);
}

/** As core.setSecret: the runner masks `value` in every later line of the log. */
export function setSecret(value: string): void {
  process.stdout.write(`::add-mask::${escapeData(value)}${EOL}`);
}

export function warning(message: string): void {
  process.stdout.write(`::warning::${escapeData(message)}${EOL}`);
}

/**
 * A delimiter shaped as @actions/core makes one: `ghadelimiter_` and a random UUID (version 4).
 * From Math.random, not node:crypto: loading that module took 3 ms of every step's start
 * (bench/README.md), and the delimiter keeps no secret. What makes a block safe is that a value
 * holding its delimiter is refused (setOutput), so no value can end its block early.
 */
function randomDelimiter(): string {
  const hex = (digits: number) => Math.floor(Math.random() * 16 ** digits).toString(16).padStart(digits, '0');
  const variant = (8 + Math.floor(Math.random() * 4)).toString(16);
  return `ghadelimiter_${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

/** As core.setOutput: a delimited block in GITHUB_OUTPUT, or the old stdout command outside a runner. */
export function setOutput(name: string, value: unknown): void {
  const text = redactUrls(commandValue(value));
  const file = process.env.GITHUB_OUTPUT;
  if (!file) {
    process.stdout.write(`${EOL}::set-output name=${escapeData(name).replace(/:/g, '%3A').replace(/,/g, '%2C')}::${escapeData(text)}${EOL}`);
    return;
  }
  const delimiter = randomDelimiter();
  if (name.includes(delimiter) || text.includes(delimiter)) throw new Error(`Unexpected output: it contains the delimiter "${delimiter}"`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
}

/** Appends Markdown to the job summary; a no-op outside a runner (no GITHUB_STEP_SUMMARY). */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, redactUrls(markdown), { encoding: 'utf8' });
}
