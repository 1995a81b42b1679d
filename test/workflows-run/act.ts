/**
 * Runs one workflow of the fixture repository with act in host mode (`-P <label>=-self-hosted`:
 * steps run on this machine, no container) and reads act's JSON log into what the tests assert:
 * each job's result, each step's result and the outputs steps set.
 *
 * Everything outside is given through act's environment, as a runner would have it: the OIDC
 * request variables, AWS_ENDPOINT_URL_*, GITHUB_API_URL, GIT_CONFIG_GLOBAL. act itself sets no
 * OIDC variables, so they go through `--env`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../harness.js';

/** The runner labels the suite's workflows and templates use, all run on this machine. */
export const RUNNER_LABELS = ['ubuntu-latest'];

export interface ActRun {
  /** push, pull_request, workflow_dispatch… */
  event: string;
  /** The event payload (act also reads github.ref, sha, ref_name from it and from the work tree). */
  payload: Record<string, unknown>;
  /** The workflow file, relative to the fixture repository. */
  workflow: string;
  /** The fixture repository's work tree. */
  cwd: string;
  /** `owner/repo@ref` → folder, for act's --local-repository. */
  localRepositories: Record<string, string>;
  env: Record<string, string>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** A folder of this run's own: act's action cache, the event file, the log. */
  workDir: string;
  timeoutMs?: number;
  /** Called with every parsed log line as it arrives (to react to a step starting). */
  onLine?: (line: ActLine) => void;
}

export interface ActLine {
  msg: string;
  level: string;
  job?: string;
  jobID?: string;
  step?: string;
  stage?: string;
  jobResult?: string;
  stepResult?: string;
  command?: string;
  name?: string;
  arg?: string;
  raw_output?: boolean;
}

export interface ActResult {
  exitCode: number;
  seconds: number;
  lines: ActLine[];
  /** Job display name → its result (success, failure, skipped); the last word wins. */
  jobs: Record<string, string>;
  /** `job › step` → its result. */
  steps: Record<string, string>;
  /** Outputs set by steps, `job › name` → value (the last one set). */
  outputs: Record<string, string>;
  /** The log as text, one `[job] message` a line, for a failing test's message. */
  text: string;
}

/** Node 24 (the suite's node dev dependency) first on PATH: act runs `node24` actions with whatever `node` comes first. */
export function pathWithNode24(path = process.env.PATH ?? ''): string {
  return [join(repoRoot, 'node_modules', 'node', 'bin'), join(repoRoot, 'node_modules', '.bin'), path].join(delimiter);
}

/**
 * act's host mode hands its own environment to every step: leave out what only exists because
 * jest started it (Playwright refuses to run under JEST_WORKER_ID, and NODE_ENV=test changes apps).
 */
export function runnerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('JEST_') && name !== 'NODE_ENV'));
}

export function actArgs(run: ActRun, eventFile: string): string[] {
  const args = [run.event, '--workflows', run.workflow, '--eventpath', eventFile, '--json', '--verbose'];
  for (const label of RUNNER_LABELS) args.push('--platform', `${label}=-self-hosted`);
  args.push('--no-skip-checkout', '--action-offline-mode', '--action-cache-path', join(run.workDir, 'action-cache'));
  for (const [repository, folder] of Object.entries(run.localRepositories)) args.push('--local-repository', `${repository}=${folder}`);
  for (const [name, value] of Object.entries(run.env)) args.push('--env', `${name}=${value}`);
  for (const [name, value] of Object.entries(run.vars ?? {})) args.push('--var', `${name}=${value}`);
  for (const [name, value] of Object.entries(run.secrets ?? {})) args.push('--secret', `${name}=${value}`);
  return args;
}

export function parseLine(text: string): ActLine | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as ActLine;
  } catch {
    return undefined;
  }
}

export function summarize(lines: ActLine[]): Pick<ActResult, 'jobs' | 'steps' | 'outputs' | 'text'> {
  const jobs: Record<string, string> = {};
  const steps: Record<string, string> = {};
  const outputs: Record<string, string> = {};
  const text: string[] = [];
  for (const line of lines) {
    const job = (line.job ?? '').trim();
    if (line.jobResult) jobs[job] = line.jobResult;
    // Pre and Post stages have results of their own; a step's result is its Main stage's.
    if (line.stepResult && line.step && line.stage === 'Main') steps[`${job} › ${line.step}`] = line.stepResult;
    if (line.command === 'set-output' && line.name) outputs[`${job} › ${line.name}`] = line.arg ?? '';
    text.push(`[${job}] ${line.msg.trimEnd()}`);
  }
  return { jobs, steps, outputs, text: text.join('\n') };
}

export async function runAct(actBinary: string, run: ActRun): Promise<ActResult> {
  mkdirSync(run.workDir, { recursive: true });
  const eventFile = join(run.workDir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(run.payload));
  const started = performance.now();
  const child = spawn(actBinary, actArgs(run, eventFile), {
    cwd: run.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...runnerEnvironment(process.env),
      PATH: pathWithNode24(),
      // act keeps its host-mode work folders under the cache home; one per run keeps runs apart.
      XDG_CACHE_HOME: join(run.workDir, 'cache'),
      // The machine's own settings must not leak into the runs (a runner has none of them).
      NODE_EXTRA_CA_CERTS: '',
      NODE_OPTIONS: '',
      ...run.env,
    },
  });
  const lines: ActLine[] = [];
  const raw: string[] = [];
  const read = (stream: NodeJS.ReadableStream) =>
    createInterface({ input: stream }).on('line', (text) => {
      const line = parseLine(text);
      if (!line) return void raw.push(text);
      lines.push(line);
      run.onLine?.(line);
    });
  read(child.stdout!);
  read(child.stderr!);
  // Under the jest timeout (600 s): a CD run takes 2 min alone, 5 on a loaded 2-core machine.
  const timeoutMs = run.timeoutMs ?? 540_000;
  const exitCode = await new Promise<number>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
  const summary = summarize(lines);
  const text = `${summary.text}\n${raw.join('\n')}`;
  writeFileSync(join(run.workDir, 'act.log'), text);
  return { exitCode, seconds: (performance.now() - started) / 1000, lines, ...summary, text };
}

/**
 * The value act gave a reusable workflow's `on.workflow_call.outputs.<name>` expression (e.g.
 * `jobs.image.outputs.image-ref`) when the called job ended: act logs no outputs of a called
 * workflow, only its evaluation of their expressions (at debug level).
 */
export function workflowCallOutput(result: ActResult, job: string, expression: string): string | undefined {
  const prefix = `expression 'format('{0}', ${expression})' evaluated to '%!t(string=`;
  let value: string | undefined;
  for (const line of result.lines) {
    if ((line.job ?? '').trim() === job && line.msg.startsWith(prefix)) value = line.msg.slice(prefix.length, -2);
  }
  return value;
}

/**
 * What the steps printed and the outputs they set — what GitHub's log of the run would show — for
 * leak checks. act's own debug lines are left out: they dump the environment it was handed (the
 * OIDC request token included), which GitHub's log never shows.
 */
export function stepLog(result: ActResult): string {
  return result.lines
    .filter((line) => line.raw_output || line.command)
    .map((line) => (line.command === 'set-output' ? `${line.name}=${line.arg}` : line.msg))
    .join('\n');
}
