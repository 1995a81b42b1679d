/** blue-green-deploy after validation: connects, runs the mode, sets outputs and the summary. */
import { hostname } from 'node:os';
import * as core from '@actions/core';
import { readRunContext } from '../lib/run-context.js';
import { writeSummary } from '../lib/summary.js';
import { connect } from './connect.js';
import { runBlueGreen } from './deploy.js';
import type { BlueGreenInputs } from './inputs.js';
import { Cluster } from './kube.js';
import { renderSummary } from './report.js';

export async function executeBlueGreen(inputs: BlueGreenInputs): Promise<void> {
  const context = readRunContext();
  const connection = await connect(inputs.cluster, core.info);
  const cluster = new Cluster(connection);
  const outcome = await runBlueGreen({
    cluster,
    inputs,
    run: { revision: context.sha, actor: context.actor, runUrl: context.runUrl },
    holder: `${context.runUrl || context.repository || 'local'}#${context.job || 'job'} (${hostname()}:${process.pid})`,
    cwd: process.cwd(),
    log: core.info,
    notice: (line) => core.notice(line),
  });
  core.setOutput('active-color', outcome.activeColor);
  core.setOutput('previous-color', outcome.previousColor);
  core.setOutput('promoted', String(outcome.promoted));
  core.setOutput('rolled-back', String(outcome.rolledBack));
  core.setOutput('deployment', outcome.deployment);
  core.setOutput('image', outcome.image);
  await writeSummary(renderSummary(inputs, outcome));
  await connection.dispatcher.close();
  if (outcome.failure) throw new Error(outcome.failure);
}
