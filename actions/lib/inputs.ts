/**
 * Typed input readers. They read `INPUT_*` straight from the environment, as @actions/core does,
 * so that an action can validate every input before it loads any heavy module (start-up goal).
 * Every error is an InputError whose message names the input and says what was expected, and
 * never repeats a value: the value may be a secret that is not masked yet.
 */
import { readFileSync, existsSync } from 'node:fs';

export class InputError extends Error {
  constructor(
    readonly input: string,
    expected: string,
  ) {
    super(`Input '${input}' ${expected}`);
    this.name = 'InputError';
  }
}

export type Env = Record<string, string | undefined>;

/** The variable the runner sets for an input: upper-cased, spaces to `_` (hyphens are kept). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * How long an input may be. Documents (a Slack payload, checks, a kubeconfig, manifests, a message)
 * may be long; anything else is a name, a path, a number or a short list, and a longer value is a
 * mistake (or an attack on a validator's regex) better refused with the input's name.
 */
export const MAX_INPUT_LENGTH = 16 * 1024;
export const MAX_DOCUMENT_LENGTH = 1024 * 1024;
const DOCUMENT_INPUTS = new Set(['payload', 'checks', 'post-checks', 'kubeconfig', 'manifests', 'message', 'fields', 'headers', 'secrets', 'build-args', 'labels']);

export function inputLengthLimit(name: string): number {
  return DOCUMENT_INPUTS.has(name) ? MAX_DOCUMENT_LENGTH : MAX_INPUT_LENGTH;
}

/** The trimmed value of an input, '' when not set (as core.getInput); too long is an input error. */
export function readString(name: string, env: Env = process.env): string {
  const value = (env[inputVariable(name)] ?? '').trim();
  const limit = inputLengthLimit(name);
  if (value.length > limit) throw new InputError(name, `is too long: at most ${limit} characters`);
  return value;
}

export function readRequired(name: string, env: Env = process.env): string {
  const value = readString(name, env);
  if (!value) throw new InputError(name, 'is required');
  return value;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** YAML 1.2 core schema booleans, as core.getBooleanInput; '' gives the fallback. */
export function readBoolean(name: string, fallback: boolean, env: Env = process.env): boolean {
  const value = readString(name, env);
  if (!value) return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InputError(name, 'must be true or false');
}

export interface IntegerOptions {
  min?: number;
  max?: number;
}

export function parseInteger(name: string, value: string, { min, max }: IntegerOptions = {}): number {
  if (!/^-?\d+$/.test(value)) throw new InputError(name, `must be a whole number${rangeText(min, max)}`);
  const n = Number(value);
  if ((min !== undefined && n < min) || (max !== undefined && n > max) || !Number.isSafeInteger(n)) {
    throw new InputError(name, `must be a whole number${rangeText(min, max)}`);
  }
  return n;
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

/** A whole number; '' gives the fallback (undefined when none). */
export function readInteger(name: string, fallback: number, options?: IntegerOptions, env?: Env): number;
export function readInteger(name: string, fallback: undefined, options?: IntegerOptions, env?: Env): number | undefined;
export function readInteger(
  name: string,
  fallback: number | undefined,
  options: IntegerOptions = {},
  env: Env = process.env,
): number | undefined {
  const value = readString(name, env);
  return value ? parseInteger(name, value, options) : fallback;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_EXPECTED = "must be a duration such as '250ms', '30s', '5m', '1h' or '1m30s'";

/**
 * The longest duration any input may hold: Node's timers take at most 2^31-1 ms (about 24.8 days)
 * and fire at once for anything longer, so `600h` would silently mean "now".
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** `250ms`, `30s`, `5m`, `1h`, combinations such as `1m30s`, or a bare number of seconds; at most 596h. */
export function parseDuration(name: string, value: string, maxMs = MAX_DURATION_MS): number {
  const text = value.trim();
  let total: number;
  if (/^\d+$/.test(text)) {
    total = Number(text) * 1000;
  } else {
    const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null;
    if (!parts) throw new InputError(name, DURATION_EXPECTED);
    total = 0;
    for (const part of parts) {
      const [, amount, unit] = part.match(/^(\d+(?:\.\d+)?)(ms|s|m|h)$/)!;
      total += Number(amount) * UNIT_MS[unit];
    }
  }
  total = Math.round(total);
  if (!Number.isFinite(total) || total > maxMs) throw new InputError(name, `must be a duration of at most ${formatDuration(maxMs)}`);
  return total;
}

/** A whole-unit rendering for messages: 2147483647 ms → '596h31m23.647s'. */
export function formatDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const text = `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
  return text || '0s';
}

/** A duration in milliseconds; '' gives the fallback. */
export function readDuration(name: string, fallbackMs: number, env: Env = process.env, maxMs = MAX_DURATION_MS): number {
  const value = readString(name, env);
  return value ? parseDuration(name, value, maxMs) : fallbackMs;
}

/** Items separated by newlines and/or commas, trimmed, empty ones dropped. */
export function readList(name: string, env: Env = process.env, separator: RegExp = /[\n,]/): string[] {
  return splitList(readString(name, env), separator);
}

export function splitList(value: string, separator: RegExp = /[\n,]/): string[] {
  return value
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** One item per line (commas are kept: globs and patterns may hold them). */
export function readLines(name: string, env: Env = process.env): string[] {
  return readList(name, env, /\r?\n/);
}

/**
 * `Key: value` (or `KEY=value` with separator '=') one per line, in order. The key may not be empty;
 * the value may (and may hold the separator again).
 */
export function readPairs(name: string, separator: ':' | '=' = ':', env: Env = process.env): Array<[string, string]> {
  const example = separator === ':' ? "'Name: value'" : "'KEY=value'";
  return readLines(name, env).map((line) => {
    const at = line.indexOf(separator);
    if (at <= 0) throw new InputError(name, `must hold one ${example} per line`);
    return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  });
}

/** One of a fixed set of words; '' gives the fallback. */
export function readChoice<T extends string>(name: string, choices: readonly T[], fallback: T, env: Env = process.env): T {
  const value = readString(name, env);
  if (!value) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new InputError(name, `must be one of ${choices.join(', ')}`);
  return value as T;
}

export function readUrl(name: string, env: Env = process.env, protocols = ['http:', 'https:']): URL | undefined {
  const value = readString(name, env);
  return value ? parseUrl(name, value, protocols) : undefined;
}

export function parseUrl(name: string, value: string, protocols = ['http:', 'https:']): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `must be an absolute ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new InputError(name, `must be an absolute ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
  }
  return url;
}

const DOCUMENT_FILE = /\.(ya?ml|json)$/i;

/**
 * YAML or JSON, given inline or as the path of a `.yml`/`.yaml`/`.json` file (relative to `cwd`).
 * A single-line value naming an existing file is read from it; a value that looks like a path to a
 * missing file is an error rather than a YAML string. The YAML parser is loaded only when a
 * document is given, so that actions without one start faster.
 */
export async function parseDocument(name: string, value: string, cwd = process.cwd()): Promise<unknown> {
  let text = value;
  let source = 'inline YAML or JSON';
  // A path: one line naming a .yml/.yaml/.json file, no spaces, not YAML flow or list syntax.
  if (DOCUMENT_FILE.test(value) && !/\s/.test(value) && !/^[-[{]/.test(value)) {
    const path = value.startsWith('/') ? value : `${cwd}/${value}`;
    if (!existsSync(path)) throw new InputError(name, `names a file that does not exist: ${value}`);
    text = readFileSync(path, 'utf8');
    source = `the file ${value}`;
  }
  // JSON is YAML too, and JSON.parse reads it without loading the YAML parser, about 100× faster: a
  // 1,000-check file of 49 KB took the YAML parser ~95 ms warm. What JSON.parse refuses (flow YAML
  // such as `[a, b]`) goes to YAML. One difference: a JSON object's repeated key keeps its last value
  // where YAML would refuse the document.
  if (/^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not JSON: YAML decides
    }
  }
  try {
    const { parse } = await import('yaml');
    return parse(text);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new InputError(name, `must be valid YAML or JSON (${source}: ${reason})`);
  }
}

/** A YAML/JSON document; '' gives undefined. */
export async function readDocument(name: string, env: Env = process.env, cwd?: string): Promise<unknown> {
  const value = readString(name, env);
  return value ? parseDocument(name, value, cwd) : undefined;
}
