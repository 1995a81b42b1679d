/**
 * A deploy action after its inputs are valid: the kubeconfig read, the manifests and pre-deploy
 * Job prepared — all before the first network call — then connected, the strategy run, outputs
 * and summary written. An input error found here still costs no API request.
 */
import { hostname } from 'node:os';
import * as commands from '../commands.js';
import { readString } from '../inputs.js';
import { readRunContext } from '../run-context.js';
import { maskSecret } from '../secrets.js';
import { writeSummary } from '../summary.js';
import { analysisSecrets } from './analysis.js';
import { connect } from './connect.js';
import type { DeployInputs } from './inputs.js';
import { Cluster } from './kube.js';
import { prepare } from './release.js';
import type { DeployEnvironment, Outcome } from './session.js';
import type { AwsCredentials } from '../aws/credentials.js';

export interface Strategy<I extends DeployInputs, O extends Outcome> {
  run(env: DeployEnvironment<I>): Promise<O>;
  outputs(outcome: O): Record<string, string>;
  summary(inputs: I, outcome: O): string;
}

export async function executeDeploy<I extends DeployInputs, O extends Outcome>(inputs: I, strategy: Strategy<I, O>): Promise<void> {
  // Before the first log line: the Prometheus token, even when no analysis uses it.
  for (const secret of [readString('prometheus-token'), ...analysisSecrets(inputs.analyses)]) maskSecret(secret);
  const context = readRunContext();
  const cwd = process.cwd();
  // A kubeconfig is read locally; EKS needs AWS: connect to it only once the workspace is read.
  const local = inputs.cluster.kind === 'kubeconfig' ? await connect(inputs.cluster, commands.info) : undefined;
  const prepared = await prepare(inputs, cwd);
  const connection = local ?? (await connect(inputs.cluster, commands.info));
  const outcome = await strategy.run({
    cluster: new Cluster(connection, { requestTimeoutMs: testSeam('SUNDAY_TEST_KUBE_REQUEST_TIMEOUT_MS') }),
    inputs,
    prepared,
    run: { revision: context.sha, actor: context.actor, runUrl: context.runUrl },
    holder: `${context.runUrl || context.repository || 'local'}#${context.job || 'job'} (${hostname()}:${process.pid})`,
    log: commands.info,
    notice: (line) => commands.notice(line),
    warning: (line) => commands.warning(line),
    switchBackBudgetMs: testSeam('SUNDAY_TEST_SWITCH_BACK_BUDGET_MS'),
    awsCredentials: awsCredentials(inputs, connection.awsCredentials),
  });
  for (const [name, value] of Object.entries(strategy.outputs(outcome))) commands.setOutput(name, value);
  await writeSummary(strategy.summary(inputs, outcome));
  await connection.dispatcher.close();
  if (outcome.failure) throw new Error(outcome.failure);
}

/**
 * Test seams, not inputs: the process tests that show a switch back giving up, or a request timing
 * out on every attempt, shorten the minute's budget or the 15 s request timeout to a few seconds.
 * Users have no reason to change either.
 */
function testSeam(name: 'SUNDAY_TEST_SWITCH_BACK_BUDGET_MS' | 'SUNDAY_TEST_KUBE_REQUEST_TIMEOUT_MS'): number | undefined {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** `analysis`: how the last analysis ended ('' when none ran); `analysis-failed-metric`: the metric that ended it. */
export function analysisOutputs(outcome: Outcome): Record<'analysis' | 'analysis-failed-metric', string> {
  const last = outcome.analysisRuns.at(-1)?.result;
  return { analysis: last?.phase ?? '', 'analysis-failed-metric': last?.failedMetric ?? '' };
}

/** For a SigV4 analysis: the credentials EKS was reached with, or (a kubeconfig cluster) the role assumed once, when first needed. */
function awsCredentials(inputs: DeployInputs, connected: AwsCredentials | undefined): (() => Promise<AwsCredentials>) | undefined {
  if (connected) return () => Promise.resolve(connected);
  const aws = inputs.aws;
  if (!aws || !inputs.analyses.some((analysis) => analysis.access.auth.kind === 'sigv4')) return undefined;
  let assumed: Promise<AwsCredentials> | undefined;
  return () =>
    (assumed ??= import('../aws/credentials.js').then(async ({ assumeRoleWithOidc }) => (await assumeRoleWithOidc({ roleArn: aws.roleArn, region: aws.region, sessionName: aws.sessionName })).credentials));
}
