/** smoke-test after validation: masks header values, runs the checks, sets outputs and the summary. */
import { resolveUrl, runChecks, type CheckResult } from '../lib/checks.js';
import * as core from '../lib/commands.js';
import { isSecretParameter, redactUrls } from '../lib/secret-names.js';
import { maskSecret, maskUrlSecrets, setOutput } from '../lib/secrets.js';
import { writeSummary } from '../lib/summary.js';
import type { SmokeInputs } from './inputs.js';
import { failureMessage, renderSummary, resultLine, retryLine } from './report.js';

export async function executeSmokeTest(inputs: SmokeInputs): Promise<void> {
  for (const value of Object.values(inputs.headers)) maskSecret(value);
  // A check's own secret headers, and the credentials and tokens URLs carry, are masked too.
  maskUrlSecrets(inputs.baseUrl);
  for (const check of inputs.checks) {
    maskUrlSecrets(resolveUrl(check.url, inputs.baseUrl));
    for (const [name, value] of Object.entries(check.headers)) if (isSecretParameter(name)) maskSecret(value);
  }
  // What is shown of a result (log line, output, summary) never holds a URL's credentials.
  const shown = (result: CheckResult): CheckResult => ({
    ...result,
    name: redactUrls(result.name),
    url: redactUrls(result.url),
    error: result.error === null ? null : redactUrls(result.error),
  });
  core.info(`Running ${inputs.checks.length} smoke check(s), ${inputs.concurrency} at a time, deadline ${inputs.deadlineMs / 1000}s`);
  const log = new core.BatchedLog();
  const run = await runChecks(inputs.checks, {
    attempts: inputs.attempts,
    retryDelayMs: inputs.retryDelayMs,
    timeoutMs: inputs.timeoutMs,
    deadlineMs: inputs.deadlineMs,
    concurrency: inputs.concurrency,
    baseUrl: inputs.baseUrl,
    headers: inputs.headers,
    retryOn: inputs.retryOn,
    onRetry: (notice) => log.info(retryLine(notice)),
    onResult: (result) => log.info(resultLine(shown(result))),
  });
  log.flush();
  const reported = { ...run, results: run.results.map(shown) };
  setOutput('passed', String(run.passed));
  setOutput('total', String(run.results.length));
  setOutput('failed', String(run.failed));
  setOutput('duration-ms', String(run.durationMs));
  setOutput('results', JSON.stringify(reported.results));
  await writeSummary(renderSummary(reported));
  if (run.passed) return;
  if (inputs.failOnError) throw new Error(failureMessage(reported));
  core.warning(failureMessage(reported));
}
