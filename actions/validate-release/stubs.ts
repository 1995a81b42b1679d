/** Finds stub markers ("Coming Soon", TODO-style placeholders) in the files a release ships. */
import { minimatch } from 'minimatch';
import { InputError } from '../lib/inputs.js';
import { RegexTimeout, type LineMatch, type RegexSandbox } from '../lib/regex-sandbox.js';
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

/**
 * findStubsInText with the user's `/regex/` patterns run in `sandbox`, under its time limit; a
 * pattern over it is an input error naming the pattern and the file. Text patterns (escaped, so
 * linear) run here. Same matches, in the same order, as findStubsInText.
 */
export async function findStubsSafely(file: string, text: string, patterns: StubPattern[], sandbox: RegexSandbox): Promise<StubMatch[]> {
  if (!patterns.some((pattern) => pattern.userRegex)) return findStubsInText(file, text, patterns);
  const lines = text.split(/\r?\n/);
  const found: Array<LineMatch & { pattern: number }> = [];
  for (const [index, pattern] of patterns.entries()) {
    let matches: LineMatch[];
    if (!pattern.userRegex) {
      matches = lines.flatMap((line, at) => {
        const match = pattern.regex.exec(line);
        return match ? [{ line: at, index: match.index }] : [];
      });
    } else {
      try {
        matches = await sandbox.matchLines(pattern.regex, text);
      } catch (error) {
        if (!(error instanceof RegexTimeout)) throw error;
        throw new InputError(
          'stub-patterns',
          `holds ${pattern.source}, which took longer than ${error.limitMs} ms on ${file}: it backtracks without end (as /(a+)+$/ does); write it without nested repetition`,
        );
      }
    }
    for (const match of matches) found.push({ ...match, pattern: index });
  }
  found.sort((a, b) => a.line - b.line || a.pattern - b.pattern);
  return found.map(({ line, index, pattern }) => {
    const trimmed = lines[line].trim();
    const shown = trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT - 1)}…` : trimmed;
    return { file, line: line + 1, column: index + 1, pattern: patterns[pattern].source, text: shown };
  });
}
