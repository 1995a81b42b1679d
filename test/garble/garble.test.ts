/**
 * The garble test: every input of every action.yml (read at run time, so inputs added later are
 * covered) × hostile values, each run as the runner runs the committed bundle, against the local
 * peers, with short timeouts. Each case must end in one of two ways: success, or exit 1 with one
 * `::error::` line that names the input — never a stack trace, a hang, a raw ENAMETOOLONG, a
 * command run from a value, or a write outside the workspace.
 *
 * Targets never lie outside this test's sandbox: the workspace sits four folders deep in it, so
 * `../../../../etc/passwd` names the sandbox's own canary, and shell metacharacters try to touch
 * files in the sandbox, which must not exist afterwards.
 */
import { jest } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadActionMetadata } from '../../runner/index.js';
import type { RunResult } from '../../runner/index.js';
import { repoRoot, runStep, trivyFixtures } from '../harness.js';
import { startHttpTarget, type HttpTarget } from '../servers/http-target/server.js';
import { startSlackServer, type SlackServer } from '../servers/slack/server.js';
import { start as startGithub, type GitHubServer } from '../servers/github/server.js';
import { startStage, type Stage } from '../blue-green-deploy/fixture.js';
import { recordingDocker } from '../build-multiarch/helpers.js';
import { readyRepo } from '../validate-release/repo.js';

// 1,023 runs: 494 s measured with the machine at a load average of 24 (not yet timed on a quiet one).
jest.setTimeout(900_000);

const TOKEN = 'ghs_garbleToken0123456789abcdefABCDEF';
const sandbox = mkdtempSync(join(tmpdir(), 'garble-'));
const canary = join(sandbox, 'etc', 'passwd');
const pwned = (n: number) => join(sandbox, `pwned-${n}`);

/** The hostile values, by case. */
const CASES: Record<string, string> = {
  empty: '',
  'type-wrong': 'maybe',
  negative: '-1',
  huge: '99999999999999999999999999',
  unicode: 'ünïcödé 🚀 名前 \u202e',
  newline: 'line one\nline two\r\nline three',
  shell: `$(touch ${pwned(1)}); \`touch ${pwned(2)}\`; touch ${pwned(3)} && echo | cat > ${pwned(4)}`,
  // repo-root: allowed — a hostile input value; the test sandboxes where it lands
  traversal: '../../../../etc/passwd',
  '100kb': 'x'.repeat(100 * 1024),
  'bad-url': 'http://exa mple.com:99999/%zz',
  'bad-yaml-json': '{ "a": [1, 2, }\n  - : : [',
};

interface Peers {
  http: HttpTarget;
  slack: SlackServer;
  github: GitHubServer;
  stages: Stage[];
  dockerBin: string;
}

interface ActionSetup {
  workspace: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  path?: string[];
  /** Cases run at once for this action (a deploy holds its app's Lease: one stage per lane). */
  lanes: number;
  lane?: (index: number) => Partial<Pick<ActionSetup, 'inputs' | 'workspace'>>;
}

/** A workspace four folders below the sandbox (see the header). */
function deepWorkspace(name: string): string {
  const dir = join(sandbox, 'home', 'runner', name, 'ws');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function setups(peers: Peers): Record<string, ActionSetup> {
  const trivyWs = deepWorkspace('trivy');
  cpSync(join(trivyFixtures, 'npm.json'), join(trivyWs, 'report.json'));

  const buildWs = deepWorkspace('build');
  writeFileSync(join(buildWs, 'Dockerfile'), 'FROM scratch\n');

  const releaseWs = join(sandbox, 'home', 'runner', 'release', 'ws');
  mkdirSync(join(releaseWs, '..'), { recursive: true });
  renameSync(readyRepo().dir, releaseWs);

  const deployWorkspaces = peers.stages.map((stage, i) => {
    const ws = deepWorkspace(`deploy-${i}`);
    cpSync(join(stage.workspace, 'k8s'), join(ws, 'k8s'), { recursive: true });
    cpSync(stage.kubeconfig, join(ws, 'kubeconfig'));
    return ws;
  });

  return {
    'smoke-test': { workspace: deepWorkspace('smoke'), lanes: 4, inputs: { url: `${peers.http.url}/ok`, attempts: '1', 'retry-delay': '10ms', timeout: '2s', deadline: '5s' } },
    'trivy-gate': { workspace: trivyWs, lanes: 4, inputs: { report: 'report.json' } },
    'slack-notify': { workspace: deepWorkspace('slack'), lanes: 4, inputs: { 'webhook-url': peers.slack.webhookUrl, status: 'success', retries: '0' } },
    'validate-release': { workspace: releaseWs, lanes: 4, inputs: { tag: 'v1.2.3', 'github-token': TOKEN }, env: { GITHUB_API_URL: peers.github.url } },
    'build-multiarch': { workspace: buildWs, lanes: 4, path: [peers.dockerBin], inputs: { image: 'ghcr.io/sunday/app', builder: 'buildx', push: 'false', verify: 'false', platforms: 'linux/amd64' } },
    'blue-green-deploy': {
      workspace: deployWorkspaces[0],
      lanes: peers.stages.length,
      inputs: { app: 'web', manifests: 'k8s', kubeconfig: 'kubeconfig', image: 'sunday/web:v1', 'scale-down-delay': '0s', 'rollout-timeout': '20s', 'lock-timeout': '10s' },
      lane: (index) => ({ workspace: deployWorkspaces[index] }),
    },
    // The same stages as blue-green-deploy (the actions run one after the other), an app of its own.
    'canary-deploy': {
      workspace: deployWorkspaces[0],
      lanes: peers.stages.length,
      inputs: { app: 'web', manifests: 'k8s', kubeconfig: 'kubeconfig', image: 'sunday/web:v2', steps: '50,100', 'step-pause': '0s', 'scale-down-delay': '0s', 'rollout-timeout': '20s', 'lock-timeout': '10s' },
      lane: (index) => ({ workspace: deployWorkspaces[index] }),
    },
  };
}

/** Every action folder at the root: each holds an action.yml that runs a committed bundle. */
function actionNames(): string[] {
  return readdirSync(repoRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(repoRoot, entry.name, 'action.yml')))
    .map((entry) => entry.name)
    .sort();
}

interface Outcome {
  action: string;
  input: string;
  kind: string;
  problem?: string;
  ms: number;
}

/**
 * Valid input that the action then judges: a verdict about the release or the cluster, not an
 * input error. Only these (action, input) pairs may end with an error that does not name the input.
 */
const VERDICTS: Record<string, Record<string, RegExp>> = {
  'blue-green-deploy': {
    // A Service of that name is neither in the cluster nor in the manifests.
    app: /^Service default\/\S+ does not exist and is not in the manifests$/,
    service: /^Service default\/\S+ does not exist and is not in the manifests$/,
    // The file the entry names is read, and is not a manifest.
    manifests: /: every object needs apiVersion, kind and metadata\.name$/,
  },
  'validate-release': {
    'version-files': /^Release v1\.2\.3 is not ready/,
    changelog: /^Release v1\.2\.3 is not ready/,
    // No check of that name ran on the tagged commit (or the local GitHub has no such repository).
    'required-checks': /^Release v1\.2\.3 is not ready/,
  },
};

/** Success, or one error line naming the input (or its action's verdict); nothing else. */
function judge(action: string, input: string, r: RunResult): string | undefined {
  if (r.timedOut) return 'the step did not end within its timeout';
  if (/^\s+at .+\(?.*:\d+:\d+\)?$/m.test(r.stdout + r.stderr)) return `a stack trace: ${(r.stderr || r.stdout).slice(0, 300)}`;
  if (r.exitCode === 0) return r.errors.length ? `exit 0 with errors: ${r.errors.join(' | ')}` : undefined;
  if (r.exitCode !== 1) return `exit ${r.exitCode} (signal ${r.signal}): ${r.stderr.slice(0, 300)}`;
  if (r.errors.length !== 1) return `${r.errors.length} error lines: ${r.errors.join(' | ').slice(0, 300)}`;
  if (!r.errors[0].includes(input) && !VERDICTS[action]?.[input]?.test(r.errors[0])) return `the error does not name the input: ${r.errors[0].slice(0, 300)}`;
  return undefined;
}

async function pool<T>(items: T[], lanes: number, work: (item: T, lane: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    while (next < items.length) await work(items[next++], lane);
  }));
}

let peers: Peers;
beforeAll(async () => {
  mkdirSync(join(sandbox, 'etc'), { recursive: true });
  writeFileSync(canary, 'canary\n');
  const docker = recordingDocker(join(sandbox, 'docker'));
  const [http, slack, github, ...stages] = await Promise.all([
    startHttpTarget('v1'),
    startSlackServer(),
    startGithub({ tokens: [TOKEN] }),
    startStage('emulator', { emulator: { strict: false } }),
    startStage('emulator', { emulator: { strict: false } }),
  ]);
  peers = { http: http as HttpTarget, slack: slack as SlackServer, github: github as GitHubServer, stages: stages as Stage[], dockerBin: docker.binDir };
});
afterAll(async () => {
  await Promise.all([peers?.http.stop(), peers?.slack.stop(), peers?.github.stop(), ...(peers?.stages ?? []).map((stage) => stage.stop())]);
  rmSync(sandbox, { recursive: true, force: true });
});

test('every input of every action × every hostile value: success, or one error naming the input', async () => {
  const started = performance.now();
  const all = setups(peers);
  const outcomes: Outcome[] = [];
  // GARBLE_ACTIONS=a,b runs some actions only (while working on them); npm test runs them all.
  const only = process.env.GARBLE_ACTIONS?.split(',').filter(Boolean);
  for (const action of actionNames().filter((name) => !only || only.includes(name))) {
    const setup = all[action];
    expect(setup).toBeDefined(); // a new action needs its base inputs here
    const inputs = Object.keys(loadActionMetadata(join(repoRoot, action)).inputs);
    const cases = inputs.flatMap((input) => Object.keys(CASES).map((kind) => ({ input, kind })));
    await pool(cases, setup.lanes, async ({ input, kind }, lane) => {
      const laneSetup = { ...setup, ...setup.lane?.(lane) };
      const begun = performance.now();
      const r = await runStep(action, {
        workspace: laneSetup.workspace,
        env: setup.env,
        path: setup.path,
        githubToken: TOKEN,
        eventFixture: action === 'validate-release' ? 'push-tag-v1.2.3' : 'push-main',
        inputs: { ...setup.inputs, [input]: CASES[kind] },
        timeoutMs: 45_000,
      });
      outcomes.push({ action, input, kind, problem: judge(action, input, r), ms: performance.now() - begun });
    });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const problems = outcomes.filter((o) => o.problem).map((o) => `${o.action} ${o.input} × ${o.kind}: ${o.problem}`);
  const slowest = [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 5).map((o) => `${o.action} ${o.input} × ${o.kind} ${Math.round(o.ms)} ms`);
  process.stdout.write(`garble: ${outcomes.length} cases over ${new Set(outcomes.map((o) => `${o.action}/${o.input}`)).size} inputs in ${seconds} s, ${problems.length} problems; slowest: ${slowest.join('; ')}\n`);
  expect(problems).toEqual([]);
  // Nothing ran from a value, and nothing was written outside the workspace.
  expect([1, 2, 3, 4].filter((n) => existsSync(pwned(n)))).toEqual([]);
  expect(readFileSync(canary, 'utf8')).toBe('canary\n');
});
