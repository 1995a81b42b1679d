/**
 * The real `sunday-actions` command, as a child process (bin/sunday-actions.js on this Node 24),
 * against local servers: what a user sees, and the exit codes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness.js';
import { startHttpTarget, refusedUrl, type HttpTarget } from '../servers/http-target/server.js';
import { startSlackServer, type SlackServer } from '../servers/slack/server.js';
import { OPTIONS } from '../../cli/args.js';
import { actionNames, loadAction } from '../../cli/catalog.js';
import { findLeaks } from '../../runner/index.js';

const bin = join(repoRoot, 'bin', 'sunday-actions.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The user's environment without inputs of its own; colours off (stdout is a pipe anyway). */
function baseEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('INPUT_') && !name.startsWith('SLACK_')));
  return { ...env, NO_COLOR: '1' };
}

function command(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; onStdout?: (text: string) => void } = {}): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? workDir, env: { ...baseEnv(), ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.onStdout?.(stdout);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let target: HttpTarget;
let slack: SlackServer;
const workDir = mkdtempSync(join(tmpdir(), 'sunday-cli-'));

beforeAll(async () => {
  [target, slack] = await Promise.all([startHttpTarget(), startSlackServer()]);
});
afterAll(async () => {
  await Promise.all([target.stop(), slack.stop()]);
});

describe('sunday-actions smoke-test', () => {
  it('passes against a live server: progress, log, outputs, summary, step files, exit 0', async () => {
    const run = await command(['smoke-test', '--url', `${target.url}/healthz`, '--url', `${target.url}/ok`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(new RegExp(`^▶ smoke-test started · workspace ${workDir} · event workflow_dispatch\\n  inputs: url \\(--url\\)\\n`));
    expect(out).toContain(`✓ ${target.url}/healthz: 200`);
    expect(out).toMatch(/■ smoke-test finished: exit code 0 · \d+\.\d\d s\n/);
    expect(out).toMatch(/\n {2}passed = true\n {2}total = 2\n {2}failed = 0\n/);
    expect(out).toMatch(/Job summary:\n\n {2}✅ Smoke test passed: 2 checks/);
    expect(out).toMatch(/\n {6}Check {2,}URL {2,}Status {2}Latency {2}Attempts {2}Error\n/);
    expect(out).toMatch(/Step files: \S*sunday-step-\S+ \(output/);
    // The log came before the end line, the outputs after it.
    expect(out.indexOf('✓')).toBeLessThan(out.indexOf('■'));
    expect(out.indexOf('■')).toBeLessThan(out.indexOf('passed = true'));
  });

  it('exits 1 and shows the error when a check fails', async () => {
    const refused = await refusedUrl();
    const run = await command(['smoke-test', `--url=${refused}/healthz`, '--attempts=1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\nError: 1 of 1 smoke checks failed: .*ECONNREFUSED|\nError: 1 of 1 smoke checks failed/);
    expect(run.stdout).toContain('■ smoke-test finished: exit code 1');
    expect(run.stdout).toContain('  passed = false');
    expect(run.stdout).toContain('❌ Smoke test failed');
  });

  it('reads inputs from --input-file (multi-line values) and INPUT_* variables; flags win', async () => {
    const inputs = join(workDir, 'inputs.yml');
    writeFileSync(inputs, `url: |\n  ${target.url}/healthz\n  ${target.url}/ok\nattempts: 1\n`);
    const fromFile = await command(['smoke-test', '--input-file', 'inputs.yml'], { env: { INPUT_ATTEMPTS: '9', INPUT_URL: `${target.url}/nothing-here` } });
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain(`inputs: url (${inputs}), attempts (${inputs})`);
    expect(fromFile.stdout).toContain('  total = 2');

    const fromEnv = await command(['smoke-test', '--attempts', '1'], { env: { INPUT_URL: `${target.url}/ok` } });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toContain('inputs: url ($INPUT_URL), attempts (--attempts)');
    expect(fromEnv.stdout).toContain(`✓ ${target.url}/ok: 200`);
  });

  it('streams the log while the action runs, and stops it at --timeout-minutes', async () => {
    // The check hangs until the 1.2 s timeout: a streamed log line arrives well before the end line.
    const seen: Record<string, number> = {};
    const run = await command(['smoke-test', '--url', `${target.url}/hang`, '--timeout', '30s', '--timeout-minutes', '0.02'], {
      onStdout: (text) => {
        for (const marker of ['Running 1 smoke check', '■']) if (text.includes(marker)) seen[marker] ??= performance.now();
      },
    });
    expect(seen['■'] - seen['Running 1 smoke check']).toBeGreaterThan(800);
    expect(run.code).toBe(137);
    expect(run.stdout).toContain('■ smoke-test finished: stopped after --timeout-minutes 0.02');
  });

  it('works from another working directory, with --workspace', async () => {
    const run = await command(['smoke-test', '--url', `${target.url}/ok`, '--workspace', workDir], { cwd: tmpdir() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`workspace ${workDir}`);
  });
});

describe('sunday-actions slack-notify', () => {
  it('takes INPUT_WEBHOOK_URL for webhook-url, delivers, and never shows the webhook URL', async () => {
    const before = slack.messages.length;
    const run = await command(['slack-notify', '--status', 'success', '--message', 'deployed from a laptop'], {
      env: { INPUT_WEBHOOK_URL: slack.webhookUrl },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('webhook-url ($INPUT_WEBHOOK_URL)');
    expect(run.stdout).toContain('  ok = true');
    expect(slack.messages.length).toBe(before + 1);
    expect(JSON.stringify(slack.messages.at(-1))).toContain('deployed from a laptop');
    expect(findLeaks(run.stdout + run.stderr, [slack.webhookUrl])).toEqual([]);
    expect(run.stdout).not.toContain(slack.webhookUrl);
  });
});

describe('usage errors exit 2', () => {
  it('names the declared inputs for an unknown input', async () => {
    const run = await command(['smoke-test', '--uri', 'http://x']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("Unknown input 'uri' (--uri); its inputs are: url, checks, base-url");
  });

  it('lists the actions for an unknown action', async () => {
    const run = await command(['smoke-tset']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown action 'smoke-tset'; the actions are: blue-green-deploy, build-multiarch, canary-deploy, slack-notify, smoke-test");
  });
});

describe('--help', () => {
  it('lists every action with its description', async () => {
    const run = await command(['--help']);
    expect(run.code).toBe(0);
    for (const name of actionNames()) expect(run.stdout).toMatch(new RegExp(`\\n {2}${name} +${loadAction(name).description!.slice(0, 30)}`));
  });

  it('lists the inputs (required, default, description) and outputs of an action', async () => {
    const run = await command(['blue-green-deploy', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\n {2}--app +Base name of the app; .* \(required\)\n/);
    expect(run.stdout).toMatch(/\n {2}--rollout-timeout +Time for the staged Deployment .* \(default: "10m"\)\n/);
    expect(run.stdout).toMatch(/Outputs:\n {2}active-color +The colour the stable Service selects/);
  });
});

it('no command option shadows an input (github-token excepted: it feeds ${{ github.token }})', () => {
  for (const name of actionNames()) {
    const clashes = Object.keys(loadAction(name).inputs).filter((input) => input in OPTIONS && input !== 'github-token');
    expect({ name, clashes }).toEqual({ name, clashes: [] });
  }
});
