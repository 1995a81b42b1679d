/**
 * `sunday-actions`: runs one action of this repository here, through the same runner the tests
 * use, and shows what GitHub would show: the log as it comes, then the outputs, the job summary and
 * where the step's files are. Exits with the action's exit code (2 for a usage error).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { runAction, mask, type ActionMetadata, type EventSpec, type RunResult } from '../runner/index.js';
import { parseArgs, UsageError, type ParsedArgs } from './args.js';
import { nodeMajorOf } from '../runner/run.js';
import { actionNames, loadAction, repoRoot } from './catalog.js';
import { contextOverrides, debugEnabled, guessEventName, stepEnvironment } from './environment.js';
import { actionHelp, mainHelp } from './help.js';
import { collectInputs, type GivenInputs } from './inputs.js';
import { LogView } from './log.js';
import { renderMarkdown } from './markdown.js';
import { indent, styleFor, type Style } from './text.js';

export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const USAGE_ERROR = 2;

export async function main(argv: string[], io: Io): Promise<number> {
  const style = styleFor(io.stdout.isTTY, io.env);
  const errorStyle = styleFor(io.stderr.isTTY, io.env);
  const fail = (message: string, code: number) => {
    io.stderr.write(`${errorStyle.red(`sunday-actions: ${message}`)}\n`);
    return code;
  };
  try {
    const args = parseArgs(argv);
    const names = actionNames();
    if (args.action === undefined) {
      const help = mainHelp(names.map((name) => loadAction(name)), names, style);
      (args.help ? io.stdout : io.stderr).write(`${help}\n`);
      return args.help ? 0 : USAGE_ERROR;
    }
    if (!names.includes(args.action)) throw new UsageError(`Unknown action '${args.action}'; the actions are: ${names.join(', ')}`);
    const action = loadAction(args.action);
    if (args.help) {
      io.stdout.write(`${actionHelp(args.action, action, style)}\n`);
      return 0;
    }
    return await runStep(args.action, action, args, io, style);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\nRun 'sunday-actions --help' for usage.`, USAGE_ERROR);
    return fail((error as Error).message, 1);
  }
}

function readEvent(args: ParsedArgs, cwd: string): EventSpec {
  const path = args.options['event-path'];
  if (path === undefined) return { name: args.options.event ?? 'workflow_dispatch', payload: {} };
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(resolve(cwd, path), 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read --event-path ${path}: ${(error as Error).message}`);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new UsageError(`--event-path ${path} must hold a JSON object`);
  const record = payload as Record<string, unknown>;
  return { name: args.options.event ?? guessEventName(record), payload: record };
}

function workspaceOf(args: ParsedArgs, cwd: string): string {
  const workspace = resolve(cwd, args.options.workspace ?? '.');
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) throw new UsageError(`--workspace ${workspace} is not a folder`);
  return workspace;
}

function timeoutOf(args: ParsedArgs): number | undefined {
  const text = args.options['timeout-minutes'];
  if (text === undefined) return undefined;
  const minutes = Number(text);
  if (!text.trim() || !Number.isFinite(minutes) || minutes <= 0) throw new UsageError(`--timeout-minutes must be a positive number, not '${text}'`);
  return minutes * 60_000;
}

/**
 * The Node that `runs.using` declares: this one, or else the pinned `node@24` dev dependency (for a
 * user who started the shim with another Node, outside npm).
 */
function nodeFor(action: ActionMetadata): string | undefined {
  const wanted = nodeMajorOf(action.runs.using);
  if (Number(process.versions.node.split('.')[0]) === wanted) return undefined;
  const pinned = join(repoRoot, 'node_modules', '.bin', 'node');
  const version = existsSync(pinned) ? execFileSync(pinned, ['--version'], { encoding: 'utf8' }).trim() : '';
  if (version.startsWith(`v${wanted}.`)) return pinned;
  throw new Error(`${action.name} runs on Node ${wanted} (runs.using: ${action.runs.using}); this is Node ${process.versions.node}. Run it as 'npx sunday-actions …' after 'npm ci'.`);
}

function givenInputs(action: ActionMetadata, args: ParsedArgs, io: Io): GivenInputs {
  const declared = Object.keys(action.inputs);
  const inputFiles = args.inputFiles.map((file) => resolve(io.cwd, file));
  const given = collectInputs(declared, { flags: args.flags, inputFiles, env: io.env });
  // validate-release declares an input named like the command's --github-token option, with
  // `${{ github.token }}` as its default: the flag gives it to both.
  const token = args.options['github-token'];
  if (token !== undefined && declared.includes('github-token')) {
    given.values['github-token'] = token;
    given.sources['github-token'] = '--github-token';
  }
  return given;
}

async function runStep(name: string, action: ActionMetadata, args: ParsedArgs, io: Io, style: Style): Promise<number> {
  const workspace = workspaceOf(args, io.cwd);
  const event = readEvent(args, io.cwd);
  const timeoutMs = timeoutOf(args);
  const nodePath = nodeFor(action);
  if (!existsSync(action.mainPath)) throw new Error(`${action.mainPath} is missing: run 'npm run build -- --only ${name}'`);
  const given = givenInputs(action, args, io);
  const githubToken = args.options['github-token'] ?? io.env.GITHUB_TOKEN ?? '';
  const debug = debugEnabled(io.env);
  const out = (text: string) => io.stdout.write(text);

  for (const variable of given.ignoredVariables) {
    io.stderr.write(`${styleFor(io.stderr.isTTY, io.env).yellow(`Warning: ${variable} is ignored: ${name} has no such input`)}\n`);
  }
  const inputList = Object.keys(action.inputs)
    .filter((input) => input in given.values)
    .map((input) => `${input} (${given.sources[input]})`);
  out(`${style.bold(`▶ ${name}`)} started · workspace ${workspace} · event ${event.name}\n`);
  out(`${style.dim(`  inputs: ${inputList.length ? inputList.join(', ') : 'none given; defaults from action.yml'}`)}\n`);

  const view = new LogView({ style, write: out, masks: [githubToken], debug });
  const env = stepEnvironment(io.env);
  if (debug) env.RUNNER_DEBUG = '1';
  const result = await runAction({
    actionDir: action.dir,
    inputs: given.values,
    env,
    event,
    context: contextOverrides(args.options, io.env),
    githubToken,
    workspace,
    timeoutMs,
    nodePath,
    keepFiles: true, // the report says where the step's files are
    onOutput: (chunk) => view.push(chunk),
    // stderr goes out as it comes, masked with what the log has registered so far.
    onStderr: (chunk) => io.stderr.write(mask(chunk, view.masks)),
  });
  view.end();

  const code = exitCodeOf(result);
  const seconds = (result.durationMs / 1000).toFixed(2);
  const how = result.timedOut ? `stopped after --timeout-minutes ${args.options['timeout-minutes']}` : result.signal ? `ended by ${result.signal}` : `exit code ${code}`;
  const verdict = code === 0 ? style.green : style.red;
  out(`${style.bold(verdict(`■ ${name} finished: ${how}`))} · ${seconds} s\n`);
  out(report(result, view.masks, style));
  return code;
}

function exitCodeOf(result: RunResult): number {
  if (result.exitCode !== null) return result.exitCode;
  const signal = result.signal ? constants.signals[result.signal] : undefined;
  return signal ? 128 + signal : 1;
}

function keyValues(values: Record<string, string>, masks: string[]): string[] {
  return Object.entries(values).map(([key, value]) => {
    const shown = mask(value, masks);
    return shown.includes('\n') ? `  ${key} =\n${indent(shown, '      ')}` : `  ${key} = ${shown}`;
  });
}

/** Outputs, exported variables, the job summary and the step's files, after the log. */
export function report(result: RunResult, masks: string[], style: Style): string {
  const lines = ['', style.bold('Outputs:'), ...(Object.keys(result.outputs).length ? keyValues(result.outputs, masks) : ['  (none)'])];
  if (Object.keys(result.exportedEnv).length) lines.push('', style.bold('Exported variables:'), ...keyValues(result.exportedEnv, masks));
  if (result.addedPath.length) lines.push('', style.bold('Added to PATH:'), ...result.addedPath.map((dir) => `  ${dir}`));
  if (result.summary.trim()) lines.push('', style.bold('Job summary:'), '', indent(renderMarkdown(mask(result.summary, masks), style), '  '));
  lines.push('', `Step files: ${result.dir} (output, step_summary.md, env, path, state, event.json)`);
  return `${lines.join('\n')}\n`;
}
