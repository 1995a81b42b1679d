/** Finds stub markers ("Coming Soon", TODO-style placeholders) in the files a release ships. */
import { minimatch } from 'minimatch';
import type { StubPattern } from './stub-pattern.js';

export interface StubMatch {
  /** Relative to the workspace, with `/`. */
  file: string;
  line: number;
  column: number;
  pattern: string;
  /** The matching line, trimmed and shortened. */
  text: string;
}

/** Paths (relative, `/`-separated) that at least one glob matches; dotfiles included. */
export function selectFiles(paths: string[], globs: string[]): string[] {
  return paths.filter((path) => globs.some((glob) => minimatch(path, glob.replace(/^\.\//, ''), { dot: true })));
}

/** As git decides: a NUL byte in the first 8000 bytes makes a file binary. */
export function isBinary(content: Uint8Array): boolean {
  return content.subarray(0, 8000).includes(0);
}

const MAX_TEXT = 120;

/** Every (line, pattern) that matches in `text`; a line matching two patterns gives two matches. */
export function findStubsInText(file: string, text: string, patterns: StubPattern[]): StubMatch[] {
  const matches: StubMatch[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const pattern of patterns) {
      const found = pattern.regex.exec(line);
      if (!found) continue;
      const trimmed = line.trim();
      const shown = trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT - 1)}…` : trimmed;
      matches.push({ file, line: i + 1, column: found.index + 1, pattern: pattern.source, text: shown });
    }
  });
  return matches;
}
