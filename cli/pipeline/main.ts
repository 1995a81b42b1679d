/**
 * `npm start`: the Sunday CD pipeline, end to end, on local services it starts and stops itself.
 * Every step runs a committed bundle through the same runner as the tests and `sunday-actions`:
 *
 *   validate-release on the tag → trivy-gate on a real report → Slack "started" →
 *   blue-green-deploy v1 → blue-green-deploy v2 behind a gate → smoke-test on the live Service →
 *   Slack updated (the same message) → a broken v3 whose post-checks fail → automatic rollback and
 *   the same Slack message updated to say so,
 *   traffic back on v2 → smoke-test proving it.
 *
 * Prints a timeline (step, verdict, seconds) and where each job summary is; exits non-zero when
 * any step did something other than expected.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type RunResult } from '../../runner/index.js';
import { startSlackServer, type SlackServer } from '../../test/servers/slack/server.js';
import { repoRoot } from '../catalog.js';
import { LogView } from '../log.js';
import { styleFor } from '../text.js';
import { makeReleaseRepo, startEmulatorProcess, type Emulator, type ReleaseRepo } from './world.js';
import { pathToFileURL } from 'node:url';

const NAMESPACE = 'sunday-production';
const style = styleFor(process.stdout.isTTY, process.env);
const out = (text: string) => process.stdout.write(text);

interface World {
  dir: string;
  repo: ReleaseRepo;
  kube: Emulator;
  slack: SlackServer;
  /** Outputs of earlier steps, by step id. */
  outputs: Record<string, Record<string, string>>;
}

interface Step {
  id: string;
  title: string;
  action: string;
  inputs: (world: World) => Record<string, string>;
  /** What this step must do: its exit code and some outputs. */
  expect: { exitCode: number; outputs?: Record<string, string> };
  /** What the verdict says when the step did what it should. */
  verdict: (result: RunResult) => string;
}

const liveUrl = (world: World) => `${world.kube.url}/api/v1/namespaces/${NAMESPACE}/services/backend:http/proxy`;
const deployInputs = (world: World, image: string) => ({
  app: 'backend',
  namespace: NAMESPACE,
  manifests: 'k8s/production',
  kubeconfig: world.kube.kubeconfig,
  image,
  'scale-down-delay': '1s',
  'rollout-timeout': '30s',
});
const slackInputs = (world: World) => ({ token: world.slack.token, channel: 'deploys', 'api-url': world.slack.apiUrl, environment: 'production', version: world.repo.tag });

const STEPS: Step[] = [
  {
    id: 'release',
    title: 'validate-release on v2.0.0',
    action: 'validate-release',
    inputs: () => ({ 'stub-paths': 'src/**' }),
    expect: { exitCode: 0, outputs: { version: '2.0.0', 'previous-version': '1.0.0' } },
    verdict: (r) => `release ${r.outputs.version} is ready (previous ${r.outputs['previous-version']})`,
  },
  {
    id: 'scan',
    title: 'trivy-gate on a real Trivy report',
    action: 'trivy-gate',
    inputs: () => ({ report: join(repoRoot, 'test', 'fixtures', 'trivy', 'npm.json') }),
    expect: { exitCode: 0, outputs: { passed: 'true' } },
    verdict: (r) => `passed: ${r.outputs.critical} critical, ${r.outputs.high} high, ${r.outputs.medium} medium`,
  },
  {
    id: 'started',
    title: 'slack-notify: started',
    action: 'slack-notify',
    inputs: (w) => ({ ...slackInputs(w), status: 'started', title: 'Deploy of backend to production' }),
    expect: { exitCode: 0, outputs: { ok: 'true' } },
    verdict: (r) => `posted to ${r.outputs.channel} (ts ${r.outputs.ts})`,
  },
  {
    id: 'v1',
    title: 'blue-green-deploy v1 (first deploy)',
    action: 'blue-green-deploy',
    inputs: (w) => ({ ...deployInputs(w, 'sunday/backend:v1'), 'post-checks': '- name: version\n  url: /\n  expect-body: v1' }),
    expect: { exitCode: 0, outputs: { 'active-color': 'blue', promoted: 'true' } },
    verdict: (r) => `${r.outputs['active-color']} serves ${r.outputs.image}; v1 answers`,
  },
  {
    id: 'v2',
    title: 'blue-green-deploy v2 behind a gate',
    action: 'blue-green-deploy',
    inputs: (w) => ({ ...deployInputs(w, 'sunday/backend:v2'), checks: '- name: version\n  url: /\n  expect-body: v2\n- url: /healthz' }),
    expect: { exitCode: 0, outputs: { 'active-color': 'green', 'previous-color': 'blue', promoted: 'true' } },
    verdict: (r) => `gated, switched: ${r.outputs['active-color']} serves ${r.outputs.image}`,
  },
  {
    id: 'smoke',
    title: 'smoke-test on the live Service',
    action: 'smoke-test',
    inputs: (w) => ({ 'base-url': liveUrl(w), checks: '- url: /healthz\n- url: /\n  expect-body: v2', 'retry-delay': '250ms' }),
    expect: { exitCode: 0, outputs: { passed: 'true' } },
    verdict: (r) => `${r.outputs.total} checks passed in ${r.outputs['duration-ms']} ms`,
  },
  {
    id: 'updated',
    title: 'slack-notify: the same message updated',
    action: 'slack-notify',
    inputs: (w) => ({ ...slackInputs(w), status: 'success', title: 'Deploy of backend to production', 'update-ts': w.outputs.started.ts, message: 'v2 is live on green' }),
    expect: { exitCode: 0, outputs: { ok: 'true' } },
    verdict: (r) => `updated ts ${r.outputs.ts}`,
  },
  {
    id: 'v3',
    title: 'blue-green-deploy a broken v3 (post-checks fail)',
    action: 'blue-green-deploy',
    inputs: (w) => ({ ...deployInputs(w, 'sunday/backend:v3'), 'post-checks': '- name: health\n  url: /healthz' }),
    expect: { exitCode: 1, outputs: { 'active-color': 'green', 'rolled-back': 'true', promoted: 'false' } },
    verdict: (r) => `failed its post-checks and rolled back: ${r.outputs['active-color']} serves v2 again`,
  },
  {
    // The message posted as started, last updated to ✅ for v2, must not keep saying ✅ after v3.
    id: 'rolled-back',
    title: 'slack-notify: the same message says v3 was rolled back',
    action: 'slack-notify',
    inputs: (w) => ({
      ...slackInputs(w),
      version: 'v3',
      status: 'failure',
      title: 'Deploy of backend to production',
      'update-ts': w.outputs.started.ts,
      message: `v3 failed its post-checks and was rolled back: ${w.outputs.v3['active-color']} serves v2 again`,
    }),
    expect: { exitCode: 0, outputs: { ok: 'true' } },
    verdict: (r) => `updated ts ${r.outputs.ts}: v3 rolled back`,
  },
  {
    id: 'after',
    title: 'smoke-test: traffic is back on v2',
    action: 'smoke-test',
    inputs: (w) => ({ 'base-url': liveUrl(w), checks: '- url: /\n  expect-body: v2', 'retry-delay': '250ms' }),
    expect: { exitCode: 0, outputs: { passed: 'true' } },
    verdict: () => 'v2 answers',
  },
];

interface Row {
  title: string;
  ok: boolean;
  verdict: string;
  seconds: number;
  summary: string;
}

export function unexpected(step: Pick<Step, 'expect'>, result: Pick<RunResult, 'exitCode' | 'errors' | 'outputs'>): string | undefined {
  if (result.exitCode !== step.expect.exitCode) {
    return `exit ${result.exitCode}, expected ${step.expect.exitCode}${result.errors.length ? `: ${result.errors.join('; ')}` : ''}`;
  }
  const wrong = Object.entries(step.expect.outputs ?? {}).filter(([name, value]) => result.outputs[name] !== value);
  return wrong.length ? wrong.map(([name, value]) => `${name}=${result.outputs[name] ?? '(unset)'}, expected ${value}`).join('; ') : undefined;
}

async function runStep(step: Step, index: number, world: World): Promise<Row> {
  out(`\n${style.bold(`▶ ${index + 1}/${STEPS.length} ${step.title}`)}\n`);
  const view = new LogView({ style, write: (line) => out(style.dim(`  │ ${line}`)) });
  const started = performance.now();
  const result = await runAction({
    actionDir: join(repoRoot, step.action),
    inputs: step.inputs(world),
    workspace: world.repo.dir,
    githubToken: 'ghs_local_demo_token_0000000000',
    context: { repository: 'sunday/backend', ref: `refs/tags/${world.repo.tag}`, sha: world.repo.sha, actor: 'release-bot', workflow: 'CD', job: step.id },
    event: { name: 'push', payload: { ref: `refs/tags/${world.repo.tag}`, after: world.repo.sha, repository: { full_name: 'sunday/backend' }, sender: { login: 'release-bot' } } },
    timeoutMs: 120_000,
    onOutput: (chunk) => view.push(chunk),
  });
  view.end();
  const seconds = (performance.now() - started) / 1000;
  world.outputs[step.id] = result.outputs;
  const summary = join(world.dir, 'summaries', `${index + 1}-${step.id}.md`);
  writeFileSync(summary, result.summary);
  const problem = unexpected(step, result);
  const verdict = problem ? `UNEXPECTED: ${problem}` : step.verdict(result);
  out(`${problem ? style.red('✗') : style.green('✓')} ${step.title} — ${verdict} (${seconds.toFixed(1)} s)\n`);
  return { title: step.title, ok: !problem, verdict, seconds, summary };
}

function printTimeline(rows: Row[], total: number): void {
  const width = Math.max(...rows.map((row) => row.title.length));
  out(`\n${style.bold('Timeline')}\n`);
  for (const row of rows) {
    out(`  ${row.ok ? style.green('✓') : style.red('✗')} ${row.title.padEnd(width)}  ${row.seconds.toFixed(1).padStart(5)} s  ${row.verdict}\n`);
  }
  out(`  ${''.padEnd(width + 2)}${total.toFixed(1).padStart(5)} s in all\n`);
  out(`\n${style.bold('Job summaries')}\n${rows.map((row) => `  ${row.summary}`).join('\n')}\n`);
}

export async function runPipeline(): Promise<number> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'sunday-start-'));
  mkdirSync(join(dir, 'summaries'));
  out(`${style.bold('Sunday CD pipeline, on local services')} (work folder ${dir})\n`);
  out('Starting the Kubernetes emulator (its own process: pods that really serve, Service proxies)…\n');
  const kube = await startEmulatorProcess(dir, { 'sunday/backend:v3': 'unhealthy' }, NAMESPACE);
  let slack: SlackServer | undefined;
  const rows: Row[] = [];
  try {
    out(`  ready at ${kube.url}; v3 is set to answer 500 on /healthz\n`);
    slack = await startSlackServer();
    out(`Local Slack at ${slack.url}\n`);
    const repo = makeReleaseRepo(join(dir, 'repo'));
    out(`Release repository ${repo.dir}: tags v1.0.0 and ${repo.tag} (${repo.sha.slice(0, 7)})\n`);
    const world: World = { dir, repo, kube, slack, outputs: {} };
    for (const [index, step] of STEPS.entries()) {
      const row = await runStep(step, index, world);
      rows.push(row);
      if (!row.ok) break;
    }
    const message = slack.messages.find((m) => m.ts === world.outputs.started?.ts);
    if (message) out(`\nSlack: one message (ts ${message.ts}), now: ${message.text}\n`);
  } finally {
    await kube.stop();
    await slack?.stop();
  }
  printTimeline(rows, (performance.now() - started) / 1000);
  const ok = rows.length === STEPS.length && rows.every((row) => row.ok);
  out(`\n${ok ? style.green('Every step did what it should: v3 was rolled back automatically and v2 serves.') : style.red('A step did not do what it should.')}\n`);
  return ok ? 0 : 1;
}

// Run as a script (not imported): compare as URLs, so paths with spaces match too.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runPipeline();
}

