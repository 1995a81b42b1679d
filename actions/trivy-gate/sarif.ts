/**
 * SARIF 2.1.0 for code-scanning upload: one result per finding left after ignore rules, `error`
 * for the blocking ones; rules carry GitHub's `security-severity` so code scanning ranks them the
 * way Trivy's own SARIF does. Secret findings never carry the matched text, only where it is.
 */
import type { Finding, FindingKind, Severity } from './findings.js';
import type { Verdict } from './policy.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const SECURITY_SEVERITY: Record<Severity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' };

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri?: string;
  help: { text: string };
  properties: { tags: string[]; 'security-severity': string; precision: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
}

interface SarifRun {
  tool: { driver: { name: string; version?: string; informationUri: string; rules: SarifRule[] } };
  results: SarifResult[];
}

/** ES2024's String.prototype.toWellFormed (Node 20 and later; the project's types stop at ES2023). */
type WellFormable = string & { toWellFormed(): string };

/**
 * A target or package path as a relative URI reference ("alpine (alpine 3.9)" has spaces). A lone
 * surrogate (encodeURIComponent throws on it) becomes U+FFFD.
 */
function uriOf(path: string): string {
  const cleaned = (path.replace(/^\/+/, '') as WellFormable).toWellFormed() || 'unknown';
  return cleaned.split('/').map(encodeURIComponent).join('/');
}

function describe(finding: Finding): string {
  switch (finding.kind) {
    case 'vulnerability':
      return [
        `${finding.id} in ${finding.pkgName ?? 'unknown package'} ${finding.installedVersion ?? ''}`.trimEnd(),
        `Severity: ${finding.severity}`,
        `Fixed version: ${finding.fixedVersion ?? 'none'}`,
        `Target: ${finding.target}`,
      ].join('\n');
    case 'misconfiguration':
      return [`${finding.id}: ${finding.message ?? finding.title ?? ''}`, `Severity: ${finding.severity}`, `Target: ${finding.target}`].join('\n');
    case 'secret':
      return [`Secret (${finding.id}): ${finding.title ?? ''}`, `Severity: ${finding.severity}`, `Target: ${finding.target}`].join('\n');
  }
}

function levelOf(finding: Finding, blocking: boolean): SarifResult['level'] {
  if (blocking) return 'error';
  return finding.severity === 'CRITICAL' || finding.severity === 'HIGH' ? 'warning' : 'note';
}

/** The rules (one per ID, at its highest severity) and the rule index of each finding, in order. */
function rulesOf(findings: readonly Finding[]): { rules: SarifRule[]; indexes: Uint32Array } {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const indexes = new Uint32Array(findings.length);
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    let index = ruleIndex.get(finding.id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(finding.id, index);
      const title = finding.title ?? finding.id;
      rules.push({
        id: finding.id,
        name: finding.kind,
        shortDescription: { text: title },
        ...(finding.primaryUrl?.startsWith('http') ? { helpUri: finding.primaryUrl } : {}),
        help: { text: `${title}${finding.primaryUrl ? `\n${finding.primaryUrl}` : ''}` },
        properties: { tags: ['security', finding.kind], 'security-severity': SECURITY_SEVERITY[finding.severity], precision: 'very-high' },
      });
    } else if (Number(SECURITY_SEVERITY[finding.severity]) > Number(rules[index].properties['security-severity'])) {
      rules[index].properties['security-severity'] = SECURITY_SEVERITY[finding.severity];
    }
    indexes[i] = index;
  }
  return { rules, indexes };
}

/** Makes each finding's result in turn; many findings share a target, so URIs are kept. */
function resultMaker(verdict: Pick<Verdict, 'blocks'>): (finding: Finding, ruleIndex: number, index: number) => SarifResult {
  const uris = new Map<string, string>();
  return (finding, ruleIndex, index) => {
    const where = finding.kind === 'vulnerability' ? (finding.pkgPath ?? finding.target) : finding.target;
    let uri = uris.get(where);
    if (uri === undefined) uris.set(where, (uri = uriOf(where)));
    return {
      ruleId: finding.id,
      ruleIndex,
      level: levelOf(finding, verdict.blocks[index] === 1),
      message: { text: describe(finding) },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: finding.line ?? 1 } } }],
    };
  };
}

function logWith(rules: SarifRule[], results: SarifResult[], toolVersion?: string): SarifLog {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'trivy-gate',
            informationUri: 'https://github.com/aquasecurity/trivy',
            rules,
            ...(toolVersion ? { version: toolVersion } : {}),
          },
        },
        results,
      },
    ],
  };
}

export function toSarif(verdict: Pick<Verdict, 'findings' | 'blocks'>, toolVersion?: string): SarifLog {
  const { rules, indexes } = rulesOf(verdict.findings);
  const result = resultMaker(verdict);
  return logWith(rules, verdict.findings.map((finding, i) => result(finding, indexes[i], i)), toolVersion);
}

const quote = (text: string) => JSON.stringify(text);
const RANKS = Object.keys(SECURITY_SEVERITY) as Severity[]; // most severe first

/**
 * A rule's JSON as JSON.stringify writes the rule object of rulesOf (same members, same order),
 * written in parts: "help" is the title and the URL joined by a line break, and the JSON of a
 * joined string is the JSON of its parts joined (escapes are per character).
 */
function writeRule(out: ByteWriter, finding: Finding, severity: Severity): void {
  const title = finding.title ?? finding.id;
  const url = finding.primaryUrl;
  out.text('{"id":');
  out.json(finding.id);
  out.text(',"name":"');
  out.text(finding.kind);
  out.text('","shortDescription":{"text":');
  out.json(title);
  out.byte(CLOSE_BRACE);
  if (url?.startsWith('http')) {
    out.text(',"helpUri":');
    out.json(url);
  }
  out.text(',"help":{"text":"');
  out.jsonBody(title);
  if (url) {
    out.text('\\n');
    out.jsonBody(url);
  }
  out.bytes(RULE_ENDS[finding.kind][severity]);
}

/** The end of a rule, from the end of its help text, by kind and severity. */
const RULE_ENDS = Object.fromEntries(
  (['vulnerability', 'misconfiguration', 'secret'] as const).map((kind) => [
    kind,
    Object.fromEntries(
      RANKS.map((severity) => [severity, Buffer.from(`"},"properties":{"tags":["security","${kind}"],"security-severity":"${SECURITY_SEVERITY[severity]}","precision":"very-high"}}`)]),
    ),
  ]),
) as Record<FindingKind, Record<Severity, Buffer>>;

/** Bytes written into a buffer that grows when a piece does not fit. */
class ByteWriter {
  buffer: Buffer;
  at = 0;

  constructor(
    size: number,
    private readonly slack: number,
  ) {
    this.buffer = Buffer.allocUnsafe(size + slack);
  }

  text(text: string): void {
    this.room(text.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.at += this.buffer.write(text, this.at);
  }

  bytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** Bytes `start` to `end` of another buffer: a copy, where a view of them to set() would be an object. */
  copy(source: Buffer, start: number, end: number): void {
    this.room(end - start);
    this.at += source.copy(this.buffer, this.at, start, end);
  }

  /** One ASCII character: a store, where set() is a call. */
  byte(code: number): void {
    this.room(1);
    this.buffer[this.at++] = code;
  }

  /** A string as JSON.stringify writes it. */
  json(text: string): void {
    this.byte(QUOTE);
    this.jsonBody(text);
    this.byte(QUOTE);
  }

  /** A string as JSON.stringify writes it, without its quotes: no new string unless it needs escapes. */
  jsonBody(text: string): void {
    this.text(plain(text) ? text : quote(text).slice(1, -1));
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(this.at + bytes + this.slack);
    this.buffer.copy(larger, 0, 0, this.at);
    this.buffer = larger;
  }
}

/**
 * The bytes of the log, made into one buffer a piece at a time. Bytes a report has many times over
 * (the text around a result's package, per rule and level and per location) are kept encoded and
 * copied; the rest is encoded straight into the buffer. No string of the log is made, so for
 * 100,000 findings (35 MB) neither their garbage nor the encoding of each piece costs anything: the
 * text made as strings was 65 ms cold, plus 45 ms to flatten and encode it, and two scavenges of
 * 10–17 ms each for the strings' garbage (bench/README.md).
 */
class SarifBytes extends ByteWriter {
  constructor() {
    super(CHUNK_BYTES, SLACK_BYTES);
  }

  get full(): boolean {
    return this.at >= CHUNK_BYTES;
  }

  /** The bytes so far, as they are until the next piece is asked for: the buffer is then filled again. */
  take(): Uint8Array {
    const piece = this.buffer.subarray(0, this.at);
    this.at = 0;
    return piece;
  }
}

const CHUNK_BYTES = 1 << 20;
const SLACK_BYTES = 1 << 16;
const COMMA = 0x2c;
const SPACE = 0x20;
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;

/**
 * `JSON.stringify(toSarif(verdict)) + "\n"`, the same bytes (tests compare them), in pieces of
 * about 1 MiB, written by hand around JSON.stringify of each string: for 100,000 findings the log
 * as objects (a dozen per result and per rule) and as one string doubled the step's peak memory
 * and time (bench/trivy-gate.ts). A piece is a view of one buffer: it stays as it is only until
 * the next piece is asked for, so write it (or copy it) before that.
 */
export function* sarifChunks(verdict: Pick<Verdict, 'findings' | 'blocks'>, toolVersion?: string): Generator<Uint8Array> {
  const { findings } = verdict;
  // Rules: one per ID, from its first finding, at the highest severity of its findings.
  const ruleOf = new Map<string, number>();
  const firstOfRule: number[] = [];
  const ranks: number[] = [];
  const indexes = new Uint32Array(findings.length);
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    let index = ruleOf.get(finding.id);
    const rank = RANKS.indexOf(finding.severity);
    if (index === undefined) {
      index = firstOfRule.length;
      ruleOf.set(finding.id, index);
      firstOfRule.push(i);
      ranks.push(rank);
    } else if (rank < ranks[index]) {
      ranks[index] = rank;
    }
    indexes[i] = index;
  }
  const out = new SarifBytes();
  out.text(`{"$schema":${quote(SARIF_SCHEMA)},"version":"2.1.0","runs":[{"tool":{"driver":{"name":"trivy-gate","informationUri":"https://github.com/aquasecurity/trivy","rules":[`);
  for (let r = 0; r < firstOfRule.length; r++) {
    if (r) out.byte(COMMA);
    writeRule(out, findings[firstOfRule[r]], RANKS[ranks[r]]);
    if (out.full) yield out.take();
  }
  out.text(`]${toolVersion ? `,"version":${quote(toolVersion)}` : ''}}},"results":[`);
  const results = new ResultWriter(out, firstOfRule.length);
  const { blocks } = verdict;
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    if (i) out.byte(COMMA);
    results.write(finding, indexes[i], levelOf(finding, blocks[i] === 1));
    if (out.full) yield out.take();
  }
  out.text(']}]}\n');
  yield out.take();
}

/** A string's JSON text without its quotes, when it needs no escape at all (the common case). */
function plain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Quote, backslash, control characters, and surrogates (JSON.stringify escapes lone ones).
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** Whether String.prototype.trimEnd would keep the last character: printable ASCII, not a space. */
const keepsEnd = (text: string) => {
  const c = text.charCodeAt(text.length - 1);
  return c > 0x20 && c < 0x7f;
};

const LEVEL_CODE = { error: 0, warning: 1, note: 2 } as const;
const SEVERITY_BYTES = Object.fromEntries(RANKS.map((severity) => [severity, Buffer.from(`\\nSeverity: ${severity}\\nFixed version: `)])) as Record<Severity, Buffer>;
const SEVERITY_NO_FIX_BYTES = Object.fromEntries(RANKS.map((severity) => [severity, Buffer.from(`\\nSeverity: ${severity}\\nFixed version: none`)])) as Record<Severity, Buffer>;

/**
 * Each result's JSON, as `JSON.stringify` writes the result object of resultMaker. A report of
 * 100,000 findings is mostly vulnerabilities that share their rule, level and target with many
 * others, so the bytes before the package and after the fixed version are made once per rule and
 * level and once per location, and only the package, versions and severity are written per
 * finding. A finding whose fields need escaping, and every misconfiguration and secret, takes the
 * general path: its text made as a string.
 */
class ResultWriter {
  // Heads, `{"ruleId":…,"message":{"text":"<id> in `, one after another in one buffer (thousands of
  // small Buffers were 4 MB of objects); where each starts and ends, by rule index × 3 + level.
  private readonly heads = new ByteWriter(1 << 16, 1 << 16);
  private readonly headStarts: Int32Array;
  private readonly headEnds: Int32Array;
  private readonly tails = new Map<string, Map<string, Buffer>>(); // by target, then location: `\nTarget: …}}}]}` up to the line
  private readonly uris = new Map<string, string>(); // quoted, per target or package path

  constructor(
    private readonly out: SarifBytes,
    rules: number,
  ) {
    this.headStarts = new Int32Array(rules * 3).fill(-1);
    this.headEnds = new Int32Array(rules * 3);
  }

  write(finding: Finding, ruleIndex: number, level: SarifResult['level']): void {
    if (finding.kind !== 'vulnerability' || !this.vulnerability(finding, ruleIndex, level)) this.out.text(this.general(finding, ruleIndex, level));
  }

  private uri(where: string): string {
    let uri = this.uris.get(where);
    if (uri === undefined) this.uris.set(where, (uri = quote(uriOf(where))));
    return uri;
  }

  private general(finding: Finding, ruleIndex: number, level: SarifResult['level']): string {
    const where = finding.kind === 'vulnerability' ? (finding.pkgPath ?? finding.target) : finding.target;
    return (
      `{"ruleId":${quote(finding.id)},"ruleIndex":${ruleIndex},"level":"${level}",` +
      `"message":{"text":${quote(describe(finding))}},"locations":[{"physicalLocation":{"artifactLocation":{"uri":${this.uri(where)}},"region":{"startLine":${finding.line ?? 1}}}}]}`
    );
  }

  /** Writes the result from its parts, as describe(finding) reads; false (nothing written) when a part needs escaping. */
  private vulnerability(finding: Finding, ruleIndex: number, level: SarifResult['level']): boolean {
    const { pkgName, installedVersion, fixedVersion, target } = finding;
    const pkg = pkgName ?? 'unknown package';
    // describe() trims the end of its first line: only a plain last character keeps this exact.
    if (!keepsEnd(installedVersion ?? pkg) || !plain(pkg) || (installedVersion !== undefined && !plain(installedVersion))) return false;
    if (fixedVersion !== undefined && !plain(fixedVersion)) return false;
    const headAt = ruleIndex * 3 + LEVEL_CODE[level];
    if (this.headStarts[headAt] === -1) {
      if (!plain(finding.id)) return false;
      const { heads } = this;
      this.headStarts[headAt] = heads.at;
      heads.text('{"ruleId":');
      heads.json(finding.id);
      heads.text(',"ruleIndex":');
      heads.text(String(ruleIndex));
      heads.text(',"level":"');
      heads.text(level);
      heads.text('","message":{"text":"');
      heads.text(finding.id);
      heads.text(' in ');
      this.headEnds[headAt] = heads.at;
    }
    let byWhere = this.tails.get(target);
    if (byWhere === undefined) this.tails.set(target, (byWhere = new Map()));
    const where = finding.pkgPath ?? target;
    let tail = byWhere.get(where);
    if (tail === undefined) {
      if (!plain(target)) return false;
      tail = Buffer.from(`\\nTarget: ${target}"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":${this.uri(where)}},"region":{"startLine":1}}}]}`);
      byWhere.set(where, tail);
    }
    const { out } = this;
    out.copy(this.heads.buffer, this.headStarts[headAt], this.headEnds[headAt]);
    out.text(pkg);
    if (installedVersion !== undefined) {
      out.byte(SPACE);
      out.text(installedVersion);
    }
    if (fixedVersion === undefined) {
      out.bytes(SEVERITY_NO_FIX_BYTES[finding.severity]);
    } else {
      out.bytes(SEVERITY_BYTES[finding.severity]);
      out.text(fixedVersion);
    }
    out.bytes(tail);
    return true;
  }
}
