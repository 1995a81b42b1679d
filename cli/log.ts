/**
 * Shows an action's stdout as GitHub's log viewer does, line by line as it arrives: annotations
 * as `Error: …` / `Warning: …` / `Notice: …`, groups as an indented block under their title,
 * `::add-mask::` values replaced by `***` from then on, `::debug::` only when step debugging is on,
 * and `::stop-commands::` honoured. Annotations and masks are parsed by the runner's own
 * `processCommands`, so this view and a test's `r.log` agree.
 */
import { mask, processCommands, type Annotation } from '../runner/index.js';
import type { Style } from './text.js';

const LABELS = { error: 'Error', warning: 'Warning', notice: 'Notice' } as const;
const OTHER_COMMAND = /^::(group|endgroup|debug|stop-commands|echo|add-matcher|remove-matcher)(?: [^:]*)?::(.*)$/;

export interface LogViewOptions {
  style: Style;
  write: (text: string) => void;
  /** Values masked from the start (e.g. the GitHub token), as GitHub masks secrets. */
  masks?: string[];
  /** Show `::debug::` lines (ACTIONS_STEP_DEBUG / RUNNER_DEBUG). */
  debug?: boolean;
}

export class LogView {
  readonly masks: string[];
  private readonly options: LogViewOptions;
  private pending = '';
  private inGroup = false;
  private stopToken: string | undefined;

  constructor(options: LogViewOptions) {
    this.options = options;
    this.masks = [...(options.masks ?? [])].filter(Boolean);
  }

  /** Feed a chunk of stdout; complete lines are shown at once. */
  push(chunk: string): void {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line.replace(/\r$/, ''));
  }

  /** Shows what is left after the process ended (a last line without a newline). */
  end(): void {
    if (this.pending) this.line(this.pending);
    this.pending = '';
    this.inGroup = false;
  }

  private show(text: string): void {
    const prefix = this.inGroup ? '  ' : '';
    for (const line of mask(text, this.masks).split('\n')) this.options.write(`${prefix}${line}\n`);
  }

  private annotation({ level, message, properties }: Annotation): void {
    const { style } = this.options;
    const colour = level === 'error' ? style.red : level === 'warning' ? style.yellow : style.cyan;
    const where = properties.file ? ` (${[properties.file, properties.line, properties.col].filter(Boolean).join(':')})` : '';
    const title = properties.title ? `${properties.title}: ` : '';
    this.show(colour(`${LABELS[level]}: ${title}${message}${where}`));
  }

  private line(line: string): void {
    const { style } = this.options;
    if (this.stopToken !== undefined) {
      if (line === `::${this.stopToken}::`) this.stopToken = undefined;
      else this.show(line);
      return;
    }
    if (!line.startsWith('::')) return this.show(line);
    const parsed = processCommands(line);
    if (parsed.masks.length) {
      this.masks.push(...parsed.masks);
      return;
    }
    if (parsed.annotations.length) return this.annotation(parsed.annotations[0]);
    const command = line.match(OTHER_COMMAND);
    if (!command) return this.show(line);
    const [, name, value] = command;
    if (name === 'group') {
      this.inGroup = false;
      this.show(style.bold(`▸ ${value}`));
      this.inGroup = true;
    } else if (name === 'endgroup') {
      this.inGroup = false;
    } else if (name === 'debug') {
      if (this.options.debug) this.show(style.dim(`##[debug]${value.replace(/%0A/g, '\n').replace(/%0D/g, '').replace(/%25/g, '%')}`));
    } else if (name === 'stop-commands') {
      this.stopToken = value;
    }
  }
}
