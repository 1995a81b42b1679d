/**
 * One run of the gate over files: expands the report globs, reads each report, the baseline and
 * the ignore files exactly once, judges, and writes the SARIF file. File access goes through a
 * small interface so tests and the benchmark can count reads; `now` is a parameter (rule expiry).
 */
import { closeSync, existsSync, globSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '../lib/inputs.js';
import type { GateInputs } from './config.js';
import type { Finding } from './findings.js';
import { expiryWarnings, IgnoreFileError, parseIgnoreFile, type IgnoreRule } from './ignore.js';
import { judge, type Verdict } from './policy.js';
import { findingsOf, parseJson, ReportError } from './report.js';
import { sarifChunks } from './sarif.js';

export interface GateFiles {
  readText(path: string): string;
  /**
   * Writes the file from its bytes in pieces (a SARIF log for 100,000 findings is never one
   * string). A piece stays as it is only until the next is asked for (sarifChunks).
   */
  writeChunks(path: string, chunks: Iterable<Uint8Array>): Promise<void>;
  exists(path: string): boolean;
  glob(pattern: string, cwd: string): string[];
}

export const localFiles: GateFiles = {
  readText: (path) => readFileSync(path, 'utf8'),
  writeChunks: async (path, chunks) => {
    mkdirSync(dirname(path), { recursive: true });
    // Written as each piece is made. Overlapping the writes on libuv's thread (FileHandle.write)
    // was slower: 293 against 273 ms for the step with a 35 MB log, the kernel's copy of a piece
    // into the page cache costing less than handing it to another thread and back.
    const file = openSync(path, 'w');
    try {
      for (const chunk of chunks) for (let at = 0; at < chunk.length; ) at += writeSync(file, chunk, at);
    } finally {
      closeSync(file);
    }
  },
  exists: (path) => existsSync(path),
  glob: (pattern, cwd) => globSync(pattern, { cwd }),
};

/** Ignore files looked for in the workspace when `ignore-file` is not given (both when both exist). */
export const DEFAULT_IGNORE_FILES = ['.trivyignore', '.trivyignore.yaml'];

const GLOB_CHARS = /[*?[{]/;

export interface GateResult {
  verdict: Verdict;
  /** Report files judged, relative to the workspace where inside it. */
  sources: string[];
  ignoreFiles: string[];
  warnings: string[];
  /** Absolute path of the SARIF file written. */
  sarifPath?: string;
}

const shown = (path: string, workspace: string) => {
  const inside = relative(workspace, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
};

/** The report files the patterns name, each once, in a stable order; the baseline is left out. */
export function expandReports(patterns: string[], workspace: string, files: GateFiles, exclude?: string): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const matches = GLOB_CHARS.test(pattern)
      ? files.glob(pattern, workspace).map((match) => resolve(workspace, match)).sort()
      : [resolve(workspace, pattern)].filter((path) => files.exists(path));
    if (!matches.length) throw new InputError('report', `matches no file: ${pattern}`);
    for (const match of matches) if (match !== exclude) found.add(match);
  }
  if (!found.size) throw new InputError('report', 'matches only the baseline report');
  return [...found];
}

function notAReport(error: unknown, input: string, path: string, workspace: string): unknown {
  if (!(error instanceof ReportError)) return error;
  return new InputError(input, `names ${shown(path, workspace)}, which is not a Trivy JSON report: ${error.message}`);
}

/** The parsed report; its text (47 MB for 100,000 findings) is garbage once this returns. */
function readReport(path: string, input: string, workspace: string, files: GateFiles): unknown {
  let text: string;
  try {
    text = files.readText(path);
  } catch (error) {
    throw new InputError(input, `names ${shown(path, workspace)}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return parseJson(text);
  } catch (error) {
    throw notAReport(error, input, path, workspace);
  }
}

function readFindings(path: string, input: string, workspace: string, files: GateFiles): Finding[] {
  const report = readReport(path, input, workspace, files);
  try {
    return findingsOf(report);
  } catch (error) {
    throw notAReport(error, input, path, workspace);
  }
}

export async function loadIgnoreRules(ignoreFile: string | undefined, workspace: string, files: GateFiles): Promise<{ rules: IgnoreRule[]; warnings: string[]; used: string[] }> {
  let paths: string[];
  if (ignoreFile) {
    const path = resolve(workspace, ignoreFile);
    if (!files.exists(path)) throw new InputError('ignore-file', `names a file that does not exist: ${ignoreFile}`);
    paths = [path];
  } else {
    paths = DEFAULT_IGNORE_FILES.map((name) => resolve(workspace, name)).filter((path) => files.exists(path));
  }
  const rules: IgnoreRule[] = [];
  const warnings: string[] = [];
  for (const path of paths) {
    const name = shown(path, workspace);
    try {
      const parsed = await parseIgnoreFile(files.readText(path), name);
      rules.push(...parsed.rules);
      warnings.push(...parsed.warnings);
    } catch (error) {
      if (error instanceof IgnoreFileError) throw new InputError('ignore-file', `(${name}) is not valid: ${error.message}`);
      throw error;
    }
  }
  return { rules, warnings, used: paths.map((path) => shown(path, workspace)) };
}

export interface PreparedGate {
  inputs: GateInputs;
  workspace: string;
  files: GateFiles;
  ignore: { rules: IgnoreRule[]; warnings: string[]; used: string[] };
  baselinePath?: string;
}

/** Checks and loads everything the inputs name except the reports, before any scan is started. */
export async function prepareGate(inputs: GateInputs, workspace: string, files: GateFiles = localFiles): Promise<PreparedGate> {
  const baselinePath = inputs.baseline ? resolve(workspace, inputs.baseline) : undefined;
  if (baselinePath && !files.exists(baselinePath)) throw new InputError('baseline', `names a file that does not exist: ${inputs.baseline}`);
  return { inputs, workspace, files, ignore: await loadIgnoreRules(inputs.ignoreFile, workspace, files), baselinePath };
}

/** Judges the reports (`inputs.reports`, or the file a scan wrote) and writes the SARIF file. */
export async function runGate(prepared: PreparedGate, reports: string[], now: Date): Promise<GateResult> {
  const { inputs, workspace, files, ignore, baselinePath } = prepared;
  const reportPaths = expandReports(reports, workspace, files, baselinePath);

  const perReport = reportPaths.map((path) => readFindings(path, 'report', workspace, files));
  const findings: Finding[] = perReport.length === 1 ? perReport[0] : perReport.flat();
  const baseline = baselinePath ? new Set(readFindings(baselinePath, 'baseline', workspace, files).map((finding) => finding.key)) : undefined;

  const verdict = judge({ findings, rules: ignore.rules, policy: inputs.policy, baseline, now });
  const warnings = [...ignore.warnings, ...expiryWarnings(ignore.rules, now, inputs.expiryWarningDays)];

  let sarifPath: string | undefined;
  if (inputs.sarif) {
    sarifPath = resolve(workspace, inputs.sarif);
    await files.writeChunks(sarifPath, sarifChunks(verdict));
  }
  return { verdict, sources: reportPaths.map((path) => shown(path, workspace)), ignoreFiles: ignore.used, warnings, sarifPath };
}
