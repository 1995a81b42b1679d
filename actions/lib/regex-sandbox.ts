/**
 * Regular expressions from inputs run here, in a worker thread with a time limit: a pattern such as
 * `/(a+)+$/` backtracks for hours on a line of `a`s, and a native engine without backtracking
 * cannot be bundled. When a search runs over its limit, the worker is terminated (which stops even
 * a regex stuck in one `exec`) and the caller gets a RegexTimeout to turn into an input error.
 * One worker serves every search of a run, so the start-up cost (~20 ms) is paid once, and it is
 * unref'd: it never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';

/** How long one search (one pattern over one text) may take by default. */
export const REGEX_TIME_LIMIT_MS = 2_000;

export class RegexTimeout extends Error {
  constructor(
    readonly pattern: string,
    readonly limitMs: number,
  ) {
    super(`the regular expression ${pattern} took longer than ${limitMs} ms`);
    this.name = 'RegexTimeout';
  }
}

/** Where a pattern matches: line (0-based) and column of the first match on each matching line. */
export interface LineMatch {
  line: number;
  index: number;
}

interface Request {
  id: number;
  source: string;
  flags: string;
  text: string;
  /** 'lines': first match of every line; 'test': whether the whole text matches. */
  mode: 'lines' | 'test';
}

// Plain JavaScript run with `eval`, so the bundle needs no second file.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, source, flags, text, mode }) => {
  const regex = new RegExp(source, flags.replace(/[gy]/g, ''));
  if (mode === 'test') return parentPort.postMessage({ id, matched: regex.test(text) });
  const found = [];
  const lines = text.split(/\\r?\\n/);
  for (let line = 0; line < lines.length; line++) {
    const match = regex.exec(lines[line]);
    if (match) found.push({ line, index: match.index });
  }
  parentPort.postMessage({ id, found });
});
`;

export class RegexSandbox {
  private worker?: Worker;
  private nextId = 0;

  constructor(readonly limitMs = REGEX_TIME_LIMIT_MS) {}

  /** The first match of `regex` on every line of `text`. */
  async matchLines(regex: RegExp, text: string): Promise<LineMatch[]> {
    return ((await this.run(regex, text, 'lines')) as { found: LineMatch[] }).found;
  }

  /** Whether `regex` matches `text`. */
  async test(regex: RegExp, text: string): Promise<boolean> {
    return ((await this.run(regex, text, 'test')) as { matched: boolean }).matched;
  }

  /** Ends the worker (a later search starts a new one). */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.online = undefined;
  }

  private online?: Promise<void>;

  /** The worker, once it runs: its start-up (slow on a busy machine) is not part of any time limit. */
  private async start(): Promise<Worker> {
    if (!this.worker) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      this.worker = worker;
      this.online = new Promise((resolve, reject) => worker.once('online', resolve).once('error', reject));
    }
    const worker = this.worker;
    await this.online;
    return worker;
  }

  private async run(regex: RegExp, text: string, mode: Request['mode']): Promise<unknown> {
    // Held while a search runs (an unref'd worker alone would let the process exit mid-await, code 13).
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      return await this.search(await this.start(), regex, text, mode);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private search(worker: Worker, regex: RegExp, text: string, mode: Request['mode']): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      const onMessage = (message: { id: number }) => {
        if (message.id !== id) return;
        finish();
        resolve(message);
      };
      const onError = (error: Error) => {
        finish();
        this.worker = undefined;
        reject(error);
      };
      const timer = setTimeout(() => {
        finish();
        this.close(); // terminate() interrupts the regex mid-match
        reject(new RegexTimeout(String(regex), this.limitMs));
      }, this.limitMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, source: regex.source, flags: regex.flags, text, mode } satisfies Request);
    });
  }
}
