/**
 * Reads and checks every input first (no heavy import before an input error), masks the secrets,
 * then runs the core and hands on its outputs and summary — also when verification fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../lib/action.js';
import { readGithubContext } from './github-context.js';
import { readBuildInputs, secretValues } from './inputs.js';

export async function run(): Promise<void> {
  await runMain(async () => {
    const inputs = readBuildInputs();
    const context = readGithubContext();
    if (context.ref?.startsWith('refs/tags/') && inputs.latest !== 'true') {
      context.gitTags = await (await import('./git-tags.js')).readGitTags(process.env.GITHUB_WORKSPACE || process.cwd());
    }
    const core = await import('@actions/core');
    if (context.ref?.startsWith('refs/tags/') && inputs.latest !== 'true' && !context.gitTags) {
      core.notice("The repository's git tags could not be read here: latest and the major/minor tags are given without checking that they move forward (check out with fetch-depth: 0).");
    }
    const { maskSecret, setOutput } = await import('../lib/secrets.js');
    for (const secret of secretValues(inputs)) maskSecret(secret);

    const [{ buildMultiarch, VerificationFailed }, { execProcess, stopRunningCommands }, { sleep }, { stepOutputs, summaryMarkdown }, { writeSummary }] = await Promise.all([
      import('./build.js'),
      import('./exec.js'),
      import('../lib/retry.js'),
      import('./report.js'),
      import('../lib/summary.js'),
    ]);
    const tempDir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'build-multiarch-'));
    // A cancelled job sends SIGINT, then SIGTERM: credentials are forgotten on those paths too.
    const dockerLogins: string[] = [];
    const onSignal = (signal: NodeJS.Signals) => {
      stopRunningCommands(signal);
      for (const registry of dockerLogins) spawnSync('docker', ['logout', registry], { stdio: 'ignore', timeout: 10_000 });
      rmSync(tempDir, { recursive: true, force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    const publish = async (result: Parameters<typeof stepOutputs>[0], failure?: string) => {
      for (const [name, value] of Object.entries(stepOutputs(result, failure))) setOutput(name, value);
      await writeSummary(summaryMarkdown(result, failure));
    };
    try {
      const result = await buildMultiarch(inputs, context, {
        exec: execProcess,
        sleep,
        now: () => new Date(),
        tempDir,
        info: core.info,
        notice: (line) => core.notice(line),
        warning: (line) => core.warning(line),
        ecrLogin: async (aws) => (await import('./ecr-login.js')).ecrLogin(aws),
        onLogin: (builder, registry) => {
          if (builder === 'buildx') dockerLogins.push(registry);
        },
      });
      await publish(result);
    } catch (error) {
      if (error instanceof VerificationFailed) await publish(error.result, error.message);
      throw error;
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
  });
}
