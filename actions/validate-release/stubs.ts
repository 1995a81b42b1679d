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

/**
 * Paths (relative, `/`-separated) that at least one glob matches and no `!glob` does, whatever the
 * order; dotfiles included. Only `!` globs: every other path.
 */
export function selectFiles(paths: string[], globs: string[]): string[] {
  const clean = (glob: string) => glob.replace(/^\.\//, '');
  const excludes = globs.filter((glob) => glob.startsWith('!')).map((glob) => clean(glob.slice(1)));
  const includes = globs.filter((glob) => !glob.startsWith('!')).map(clean);
  const matches = (path: string, glob: string) => minimatch(path, glob, { dot: true });
  return paths.filter(
    (path) => (includes.length === 0 || includes.some((glob) => matches(path, glob))) && !excludes.some((glob) => matches(path, glob)),
  );
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
