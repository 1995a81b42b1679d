/** smoke-test after validation: masks header values, runs the checks, sets outputs and the summary. */
import * as core from '@actions/core';
import { runChecks } from '../lib/checks.js';
import { maskSecret } from '../lib/secrets.js';
import { writeSummary } from '../lib/summary.js';
import type { SmokeInputs } from './inputs.js';
import { failureMessage, renderSummary, resultLine, retryLine } from './report.js';

export async function executeSmokeTest(inputs: SmokeInputs): Promise<void> {
  for (const value of Object.values(inputs.headers)) maskSecret(value);
  core.info(`Running ${inputs.checks.length} smoke check(s), ${inputs.concurrency} at a time, deadline ${inputs.deadlineMs / 1000}s`);
  const run = await runChecks(inputs.checks, {
    attempts: inputs.attempts,
    retryDelayMs: inputs.retryDelayMs,
    timeoutMs: inputs.timeoutMs,
    deadlineMs: inputs.deadlineMs,
    concurrency: inputs.concurrency,
    baseUrl: inputs.baseUrl,
    headers: inputs.headers,
    retryOn: inputs.retryOn,
    onRetry: (notice) => core.info(retryLine(notice)),
    onResult: (result) => core.info(resultLine(result)),
  });
  core.setOutput('passed', String(run.passed));
  core.setOutput('total', String(run.results.length));
  core.setOutput('failed', String(run.failed));
  core.setOutput('duration-ms', String(run.durationMs));
  core.setOutput('results', JSON.stringify(run.results));
  await writeSummary(renderSummary(run));
  if (run.passed) return;
  if (inputs.failOnError) throw new Error(failureMessage(run));
  core.warning(failureMessage(run));
}
