/**
 * The smoke-check format shared by smoke-test (`checks`) and blue-green-deploy (`checks`,
 * `post-checks`): parsing with input errors, and judging one response. Light on purpose: it is
 * loaded while inputs are validated, before anything heavy.
 */
import { isDeepStrictEqual } from 'node:util';
import { InputError } from './inputs.js';
import { redactUrl } from './secret-names.js';

export interface StatusRange {
  /** Exact code, or the first digit of a class (`2xx` → 2). */
  code?: number;
  class?: number;
}

export type BodyExpectation = { contains: string } | { regex: RegExp };

export interface Check {
  name: string;
  /** Absolute URL, or a path joined to a base URL when the checks run. */
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: StatusRange[];
  expectBody?: BodyExpectation;
  expectJson?: Record<string, unknown>;
  maxLatencyMs?: number;
  followRedirects: boolean;
}

const KNOWN_KEYS = new Set(['name', 'url', 'method', 'headers', 'body', 'expect-status', 'expect-body', 'expect-json', 'max-latency-ms', 'follow-redirects']);
const DEFAULT_STATUS: StatusRange[] = [{ class: 2 }];

/** `200`, `200,204`, `2xx,301`. */
export function parseExpectStatus(value: string): StatusRange[] | undefined {
  const parts = value.split(',').map((part) => part.trim());
  const ranges: StatusRange[] = [];
  for (const part of parts) {
    if (/^[1-5]\d\d$/.test(part)) ranges.push({ code: Number(part) });
    else if (/^[1-5]xx$/i.test(part)) ranges.push({ class: Number(part[0]) });
    else return undefined;
  }
  return ranges.length ? ranges : undefined;
}

export function statusMatches(status: number, ranges: StatusRange[]): boolean {
  return ranges.some((range) => (range.code !== undefined ? status === range.code : Math.floor(status / 100) === range.class));
}

export function formatStatus(ranges: StatusRange[]): string {
  return ranges.map((range) => (range.code !== undefined ? String(range.code) : `${range.class}xx`)).join(',');
}

/** `/regex/flags` is a regular expression; anything else is a substring. */
export function parseBodyExpectation(value: string): BodyExpectation | undefined {
  const regex = value.match(/^\/(.+)\/([dgimsuvy]*)$/s);
  if (!regex) return { contains: value };
  try {
    return { regex: new RegExp(regex[1], regex[2]) };
  } catch {
    return undefined;
  }
}

function isAbsolute(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** An absolute http(s) URL that parses (`http://` alone or a space in the host does not). */
function isValidAbsolute(url: string): boolean {
  if (!isAbsolute(url)) return false;
  try {
    return Boolean(new URL(url).host);
  } catch {
    return false;
  }
}

/** RFC 9110 field names; values without CR, LF or NUL. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;

/** Refuses a header the HTTP client would reject at run time; never echoes a value (it may be a secret). */
export function checkHeaders(input: string, headers: Record<string, string>, where = ''): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new InputError(input, `${where}has a header name that is not a valid HTTP field name: '${name}'`);
    if (BAD_HEADER_VALUE.test(value)) throw new InputError(input, `${where}has a value for header '${name}' with a line break or NUL`);
  }
}

/** A check for each plain URL of smoke-test's `url` input: GET, any 2xx. Paths need a base URL. */
export function checksFromUrls(input: string, urls: string[], hasBaseUrl = false): Check[] {
  return urls.map((url) => {
    const path = hasBaseUrl && url.startsWith('/') && !/\s/.test(url);
    if (!path && !isValidAbsolute(url)) throw new InputError(input, `must hold absolute http(s) URLs${hasBaseUrl ? ' or paths' : ''}, one per line`);
    return { name: url, url, method: 'GET', headers: {}, expectStatus: DEFAULT_STATUS, followRedirects: true };
  });
}

/** Validates a parsed YAML/JSON list of checks. Relative URLs need `hasBaseUrl`. */
export function parseChecks(input: string, document: unknown, hasBaseUrl: boolean): Check[] {
  if (!Array.isArray(document) || document.length === 0) throw new InputError(input, 'must be a non-empty YAML or JSON list of checks');
  return document.map((entry, index) => parseCheck(input, entry, index, hasBaseUrl));
}

function parseCheck(input: string, entry: unknown, index: number, hasBaseUrl: boolean): Check {
  const where = `check ${index + 1}`;
  const fail = (expected: string): never => {
    throw new InputError(input, `${where}: ${expected}`);
  };
  if (typeof entry === 'string') entry = { url: entry };
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) fail('must be a map with at least a url');
  const spec = entry as Record<string, unknown>;
  const unknown = Object.keys(spec).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length) fail(`has unknown key(s) ${unknown.join(', ')}; known keys are ${[...KNOWN_KEYS].join(', ')}`);

  const url = spec.url;
  if (typeof url !== 'string' || !url.trim()) fail("needs a 'url'");
  const trimmedUrl = (url as string).trim();
  if (!isAbsolute(trimmedUrl) && !hasBaseUrl) fail(`has a relative url (${redactUrl(trimmedUrl)}); give base-url or an absolute http(s) URL`);
  if (isAbsolute(trimmedUrl) && !isValidAbsolute(trimmedUrl)) fail(`has a url that is not a valid URL (${redactUrl(trimmedUrl)})`);
  if (!isAbsolute(trimmedUrl) && /\s/.test(trimmedUrl)) fail(`has a url with spaces (${trimmedUrl}); encode them as %20`);
  const name = spec.name === undefined ? trimmedUrl : String(spec.name);

  const method = spec.method === undefined ? 'GET' : String(spec.method).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) fail("'method' must be an HTTP method such as GET or POST");

  const headers: Record<string, string> = {};
  if (spec.headers !== undefined) {
    if (!spec.headers || typeof spec.headers !== 'object' || Array.isArray(spec.headers)) fail("'headers' must be a map of header name to value");
    for (const [key, value] of Object.entries(spec.headers as Record<string, unknown>)) headers[key] = String(value);
    checkHeaders(input, headers, `${where}: `);
  }

  let body: string | undefined;
  if (spec.body !== undefined) body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);

  let expectStatus = DEFAULT_STATUS;
  if (spec['expect-status'] !== undefined) {
    expectStatus = parseExpectStatus(String(spec['expect-status'])) ?? fail("'expect-status' must look like 200, 200,204 or 2xx,301");
  }

  let expectBody: BodyExpectation | undefined;
  if (spec['expect-body'] !== undefined) {
    expectBody = parseBodyExpectation(String(spec['expect-body'])) ?? fail("'expect-body' is not a valid /regex/");
  }

  let expectJson: Record<string, unknown> | undefined;
  if (spec['expect-json'] !== undefined) {
    const value = spec['expect-json'];
    if (!value || typeof value !== 'object' || Array.isArray(value)) fail("'expect-json' must be a map of dotted path to expected value");
    expectJson = value as Record<string, unknown>;
  }

  let maxLatencyMs: number | undefined;
  if (spec['max-latency-ms'] !== undefined) {
    maxLatencyMs = Number(spec['max-latency-ms']);
    if (!Number.isInteger(maxLatencyMs) || maxLatencyMs <= 0) fail("'max-latency-ms' must be a positive whole number");
  }

  let followRedirects = true;
  if (spec['follow-redirects'] !== undefined) {
    if (typeof spec['follow-redirects'] !== 'boolean') fail("'follow-redirects' must be true or false");
    followRedirects = spec['follow-redirects'] as boolean;
  }

  return { name, url: trimmedUrl, method, headers, body, expectStatus, expectBody, expectJson, maxLatencyMs, followRedirects };
}

/** The value at a dotted path (`data.items.0.id`); undefined when any step is missing. */
export function valueAtPath(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Deep equality that ignores the order of object keys; types must match (1 is not "1"). */
function sameValue(actual: unknown, expected: unknown): boolean {
  return isDeepStrictEqual(actual, expected);
}

export interface Observed {
  status: number;
  body: string;
  latencyMs: number;
}

/**
 * Why a response does not pass a check, or undefined when it does. `regexMatched` is the result of
 * an `expect-body` regex already run elsewhere (with a time limit: see lib/regex-sandbox).
 */
export function judgeResponse(check: Check, response: Observed, regexMatched?: boolean): string | undefined {
  if (!statusMatches(response.status, check.expectStatus)) return `status ${response.status}, expected ${formatStatus(check.expectStatus)}`;
  if (check.expectBody) {
    const body = check.expectBody;
    const ok = 'contains' in body ? response.body.includes(body.contains) : (regexMatched ?? body.regex.test(response.body));
    if ('regex' in body) body.regex.lastIndex = 0;
    if (!ok) return 'contains' in body ? `body does not contain '${body.contains}'` : `body does not match ${body.regex}`;
  }
  if (check.expectJson) {
    let document: unknown;
    try {
      document = JSON.parse(response.body);
    } catch {
      return 'body is not JSON';
    }
    for (const [path, expected] of Object.entries(check.expectJson)) {
      const actual = valueAtPath(document, path);
      if (!sameValue(actual, expected)) return `${path} is ${JSON.stringify(actual) ?? 'missing'}, expected ${JSON.stringify(expected)}`;
    }
  }
  if (check.maxLatencyMs !== undefined && response.latencyMs > check.maxLatencyMs) {
    return `latency ${Math.round(response.latencyMs)} ms, above ${check.maxLatencyMs} ms`;
  }
  return undefined;
}
