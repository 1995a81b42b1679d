/**
 * What every workflow-run test file sets up once: act (built if missing), the suite's slim
 * export, the fixture repository, the local world; and `run`, which runs one workflow of the
 * fixture with act and says how long it took.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ensureAct } from '../../scripts/act.js';
import { trivyFixtures } from '../harness.js';
import { runAct, type ActLine, type ActResult } from './act.js';
import { FIXTURE_REPOSITORY, makeFixtureRepo, type FixtureRepo } from './fixture-repo.js';
import { standInMappings } from './stand-ins.js';
import { exportSuite, suiteMappings } from './suite-export.js';
import { startWorld, type World } from './world.js';

export interface Stage {
  dir: string;
  act: string;
  suite: string;
  repo: FixtureRepo;
  world: World;
  /** Where upload-artifact (stand-in) puts artifacts, per run. */
  artifacts(run: string): string;
  /** The calls the trivy stand-in received in a run. */
  trivyCalls(run: string): Array<{ command: string; target: string; args: string[] }>;
  run(name: string, options: RunOptions): Promise<ActResult>;
  /** How long each run took, by name, for the note. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export interface RunOptions {
  event: string;
  workflow: string;
  /** The commit or branch checked out in the work tree (act reads github.sha from HEAD). */
  checkout: string;
  payload: Record<string, unknown>;
  /** Another export of the suite (a broken copy). */
  suite?: string;
  onLine?: (line: ActLine) => void;
  timeoutMs?: number;
}

export const repositoryPayload = {
  full_name: FIXTURE_REPOSITORY,
  name: 'app',
  owner: { login: 'sunday' },
  default_branch: 'main',
};

export async function startStage(): Promise<Stage> {
  const act = ensureAct();
  const dir = mkdtempSync(join(tmpdir(), 'workflow-runs-'));
  const suite = exportSuite(join(dir, 'suite'));
  const repo = makeFixtureRepo(dir);
  const world = await startWorld(dir);
  const timings: Record<string, number> = {};
  const runDir = (name: string) => join(dir, 'runs', name.replace(/[^\w.-]+/g, '-'));
  return {
    dir,
    act,
    suite,
    repo,
    world,
    timings,
    artifacts: (name) => join(runDir(name), 'artifacts'),
    trivyCalls: (name) => {
      try {
        return readFileSync(join(runDir(name), 'trivy-calls.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
      } catch {
        return [];
      }
    },
    run: async (wanted, options) => {
      // A scenario run twice (on broken copies) gets a folder and a timing line of each run's own.
      let name = wanted;
      for (let n = 2; name in timings; n++) name = `${wanted}-${n}`;
      const workDir = runDir(name);
      mkdirSync(join(workDir, 'artifacts'), { recursive: true });
      repo.checkout(options.checkout);
      const result = await runAct(act, {
        event: options.event,
        workflow: options.workflow,
        payload: options.payload,
        cwd: repo.dir,
        localRepositories: { ...suiteMappings(options.suite ?? suite), ...standInMappings() },
        env: {
          ...world.env,
          GIT_CONFIG_GLOBAL: repo.gitConfig,
          ARTIFACTS_STAND_IN_DIR: join(workDir, 'artifacts'),
          TRIVY_STAND_IN_IMAGE_REPORT: join(trivyFixtures, 'distroless-base.json'),
          TRIVY_STAND_IN_FS_REPORT: join(trivyFixtures, 'npm.json'),
          TRIVY_STAND_IN_LOG: join(workDir, 'trivy-calls.jsonl'),
        },
        vars: world.vars,
        secrets: world.secrets,
        workDir,
        timeoutMs: options.timeoutMs,
        onLine: options.onLine,
      });
      timings[name] = result.seconds;
      return result;
    },
    stop: async () => {
      await world.stop();
      // SUNDAY_KEEP_WORKFLOW_RUNS=1 keeps act's logs (runs/<name>/act.log) and the artifacts.
      if (process.env.SUNDAY_KEEP_WORKFLOW_RUNS === '1') console.log(`workflow runs kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Prints how long each run took (seconds), for the note and the budget table. */
export function reportTimings(stage: Stage | undefined): void {
  if (!stage) return;
  const rounded = Object.fromEntries(Object.entries(stage.timings).map(([name, seconds]) => [name, Math.round(seconds)]));
  console.log(`workflow runs (s): ${JSON.stringify(rounded)}`);
}

let quiet = false;
/** Broken-copy tests expect mismatches: no log tail for them. */
export function quietMismatches(value: boolean): void {
  quiet = value;
}

/** Asserts the exit code and every job's result; on a mismatch, act's log tail is printed first. */
export function expectRun(result: ActResult, expected: { exitCode: number; jobs: Record<string, string> }): void {
  const actual = { exitCode: result.exitCode, jobs: result.jobs };
  if (!isDeepStrictEqual(actual, expected) && !quiet) console.log(tail(result));
  expect(actual).toEqual(expected);
}

/** A readable reason for a failed expectation: the last lines of act's log. */
export function tail(result: ActResult, lines = 80): string {
  return result.text.split('\n').filter((line) => !/evaluat|rewritten|Found revision|setupEnv|^\[\] /.test(line)).slice(-lines).join('\n');
}
