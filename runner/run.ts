/**
 * Runs a committed action bundle as GitHub's runner does: `action.yml` defaults, `INPUT_*`
 * variables, the step's `GITHUB_*` files and context variables, the event payload file, and
 * `node <runs.main>` on the Node major that `runs.using` declares. The tests, the benchmarks and
 * the `sunday-actions` command all run actions through this one function.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, delimiter } from 'node:path';
import { loadActionMetadata, resolveInputs, inputEnvName, type ActionMetadata } from './metadata.js';
import { parseKeyValueFile, processCommands, type Annotation } from './files.js';
import { resolveContext, contextVariables, type EventSpec, type JobContext } from './context.js';

export interface RunOptions {
  /** Folder holding action.yml (e.g. `<repo>/smoke-test`). */
  actionDir: string;
  /** The step's `with:`; defaults from action.yml fill the rest. */
  inputs?: Record<string, string>;
  /** The step's and job's `env:`, on top of the runner's own environment. */
  env?: Record<string, string>;
  /** Folders put first on PATH (e.g. one holding a recording stand-in for a CLI). */
  path?: string[];
  event?: EventSpec;
  context?: Partial<JobContext>;
  /** The value `${{ github.token }}` evaluates to. */
  githubToken?: string;
  /** The job's workspace and the step's working directory; a new empty folder when not given. */
  workspace?: string;
  /**
   * Where the step's files go; a new temporary folder when not given, removed (with the workspace
   * made in it and RUNNER_TEMP) once the result is read, unless `keepFiles` is set.
   */
  tempDir?: string;
  /** Keep the temporary folder the runner made (the local command shows where it is). */
  keepFiles?: boolean;
  /** Kill the step after this long (the runner's `timeout-minutes`). */
  timeoutMs?: number;
  /** SIGKILL the step when this aborts: a runner that dies, a job cancelled without grace. */
  kill?: AbortSignal;
  /** Node to run; must be the major that `runs.using` declares. */
  nodePath?: string;
  /** Called with each chunk of stdout as it arrives (progress for a local command). */
  onOutput?: (chunk: string) => void;
  /** Called with each chunk of stderr as it arrives. */
  onStderr?: (chunk: string) => void;
  /** Called with the step's process once it started (to send it a signal, as a cancelled job does). */
  onSpawn?: (child: { pid?: number; kill(signal?: NodeJS.Signals): boolean }) => void;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Raw stdout, as the action wrote it (workflow commands included). */
  stdout: string;
  stderr: string;
  /** The log as GitHub shows it: secrets masked, mask commands hidden. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  state: Record<string, string>;
  annotations: Annotation[];
  /** `::error::` messages, in order. */
  errors: string[];
  masks: string[];
  /** Inputs passed that action.yml does not declare (GitHub warns about these). */
  unexpectedInputs: string[];
  durationMs: number;
  /** The folder holding the step's files, the event payload and the temp dir (gone unless kept or given). */
  dir: string;
  workspace: string;
}

/** Variables of the calling process that a runner's job would also have. Nothing else is passed. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'USER', 'SHELL', 'TERM'];

/** Without an event, a manual run of the job's context: workflow_dispatch, as a payload GitHub sends it. */
function dispatchEvent(context: JobContext): EventSpec {
  const [owner, name] = context.repository.split('/');
  return {
    name: 'workflow_dispatch',
    payload: {
      inputs: {},
      ref: context.ref,
      repository: { name, full_name: context.repository, owner: { login: owner }, html_url: `${context.serverUrl}/${context.repository}` },
      sender: { login: context.actor, type: 'User' },
      workflow: '.github/workflows/ci.yml',
    },
  };
}

export function nodeMajorOf(using: string): number {
  return Number(using.replace(/^node/, ''));
}

function checkNode(metadata: ActionMetadata, nodePath: string | undefined): string {
  const wanted = nodeMajorOf(metadata.runs.using);
  if (nodePath) return nodePath;
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== wanted) {
    throw new Error(
      `${metadata.name} declares ${metadata.runs.using}, but this runner runs on Node ${process.versions.node}. ` +
        'Run through npm (the node@24 dev dependency puts Node 24 first on PATH) or pass nodePath.',
    );
  }
  return process.execPath;
}

export async function runAction(options: RunOptions): Promise<RunResult> {
  const metadata = loadActionMetadata(options.actionDir);
  if (!existsSync(metadata.mainPath)) throw new Error(`${metadata.mainPath} does not exist: run npm run build`);
  const node = checkNode(metadata, options.nodePath);
  const { inputs, unexpected } = resolveInputs(metadata, options.inputs ?? {}, options.githubToken);

  const dir = options.tempDir ?? mkdtempSync(join(tmpdir(), 'sunday-step-'));
  // The runner's own folder holds RUNNER_TEMP, where actions put credentials (a kubeconfig, an
  // auth file): like GitHub's runner at the end of a job, it leaves nothing behind.
  const removeAfter = options.tempDir === undefined && !options.keepFiles;
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'step_summary.md'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_PATH: join(dir, 'path'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const runnerTemp = join(dir, 'runner-temp');
  const toolCache = join(dir, 'tool-cache');
  mkdirSync(runnerTemp, { recursive: true });
  mkdirSync(toolCache, { recursive: true });
  const workspace = resolve(options.workspace ?? join(dir, 'workspace'));
  mkdirSync(workspace, { recursive: true });

  const event = options.event ?? dispatchEvent(resolveContext({ name: 'workflow_dispatch', payload: {} }, options.context));
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(event.payload, null, 2));
  const context = resolveContext(event, options.context);

  const inherited = Object.fromEntries(INHERITED.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]!]));
  const env: Record<string, string> = {
    ...inherited,
    ...contextVariables(context, event.name, eventPath),
    ...files,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTION: '__run',
    GITHUB_ACTION_REPOSITORY: '',
    ...options.env,
  };
  if (options.path?.length) env.PATH = [...options.path, env.PATH ?? ''].join(delimiter);
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;

  const started = performance.now();
  const child = spawn(node, [metadata.mainPath], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.onOutput?.(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    options.onStderr?.(chunk);
  });
  let timedOut = false;
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs)
    : undefined;
  const killNow = () => child.kill('SIGKILL');
  if (options.kill?.aborted) killNow();
  options.kill?.addEventListener('abort', killNow, { once: true });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, sig) => done([code, sig]));
  }).catch((error: unknown) => {
    if (removeAfter) rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  clearTimeout(timer);
  options.kill?.removeEventListener('abort', killNow);
  const durationMs = performance.now() - started;

  // GitHub masks the job's token in every log line, whether the action registers it or not.
  const commands = processCommands(stdout, options.githubToken ? [options.githubToken] : []);
  const read = (file: string) => readFileSync(file, 'utf8');
  let result: RunResult;
  try {
    result = {
      exitCode,
      signal,
      timedOut,
      stdout,
      stderr,
      log: commands.log,
      outputs: parseKeyValueFile(read(files.GITHUB_OUTPUT)),
      summary: read(files.GITHUB_STEP_SUMMARY),
      exportedEnv: parseKeyValueFile(read(files.GITHUB_ENV)),
      addedPath: read(files.GITHUB_PATH).split('\n').filter(Boolean),
      state: parseKeyValueFile(read(files.GITHUB_STATE)),
      annotations: commands.annotations,
      errors: commands.annotations.filter((a) => a.level === 'error').map((a) => a.message),
      masks: commands.masks,
      unexpectedInputs: unexpected,
      durationMs,
      dir,
      workspace,
    };
  } finally {
    if (removeAfter) rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
