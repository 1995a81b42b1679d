/**
 * trivy-gate's entry: reads and checks every input first, then scans the image when asked, judges,
 * and reports through outputs, warnings and the job summary. A failed gate is one ::error:: line
 * and exit 1, or a warning and exit 0 with `fail-on-error: false`.
 *
 * The gate, its summary and the runner commands are in the entry chunk: about 20 KB, less to load
 * than three chunks through the ESM loader (1.4 ms). What is heavy loads only when needed: the
 * scanner and @actions/cache (image mode), the YAML parser and minimatch (ignore files), and
 * not @actions/core at all, whose undici and http-client cost more than judging a small report.
 */
import { runMain } from '../lib/action.js';
import * as log from '../lib/commands.js';
import { readInputs } from './config.js';
import { prepareGate, runGate } from './gate.js';
import { failureMessage, renderSummary } from './summary.js';

export async function run(): Promise<void> {
  await runMain(main);
  // Outputs and the summary are written synchronously and SARIF was awaited. Ending here, once
  // stdout has taken every line (a pipe is asynchronous on macOS), skips what Node does before a
  // natural exit: V8 finishing the incremental marking that a large report's heap (150 MB at
  // 100,000 findings) had started, a full mark-compact of 5–10 ms for memory about to be freed
  // anyway (bench/README.md).
  process.stdout.write('', () => process.exit());
}

async function main(): Promise<void> {
  const inputs = readInputs();
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const now = new Date();
  const prepared = await prepareGate(inputs, workspace);

  let reports = inputs.reports;
  if (inputs.image) {
    const [{ scanImage }, cache] = await Promise.all([import('./scan.js'), import('@actions/cache')]);
    const report = await scanImage({
      image: inputs.image,
      tempDir: process.env.RUNNER_TEMP || (await import('node:os')).tmpdir(),
      env: process.env,
      now,
      log,
      cache: {
        available: () => cache.isFeatureAvailable(),
        restore: (paths, key, restoreKeys) => cache.restoreCache(paths, key, restoreKeys),
        save: async (paths, key) => (await cache.saveCache(paths, key)) !== -1,
      },
    });
    reports = [report];
  }

  const result = await runGate(prepared, reports, now);
  const { verdict } = result;
  for (const warning of result.warnings) log.warning(warning);

  log.setOutput('passed', String(verdict.passed));
  log.setOutput('blocking', verdict.blocking.length);
  for (const [severity, counts] of Object.entries(verdict.bySeverity)) log.setOutput(severity.toLowerCase(), counts.count);
  log.setOutput('ignored', verdict.ignored.length);
  log.setOutput('sarif', result.sarifPath ?? '');

  if (process.env.GITHUB_STEP_SUMMARY) {
    const sources = inputs.image ? [`${inputs.image} (scanned)`] : result.sources;
    const context = { sources, warnings: result.warnings, failOnError: inputs.failOnError, baseline: inputs.baseline, ignoreUnfixed: inputs.policy.ignoreUnfixed };
    log.appendSummary(renderSummary(verdict, context));
  }
  if (verdict.passed) {
    log.info(`trivy-gate passed: ${verdict.findings.length} findings after ignore rules, none blocking`);
  } else if (inputs.failOnError) {
    throw new Error(failureMessage(verdict));
  } else {
    log.warning(`${failureMessage(verdict)} (fail-on-error: false)`);
  }
}
