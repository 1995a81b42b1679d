/** blue-green-deploy after validation: the shared deploy frame with the blue-green strategy. */
import { analysisOutputs, executeDeploy } from '../lib/deploy/execute.js';
import { runBlueGreen, type BlueGreenInputs } from './deploy.js';
import { renderSummary } from './report.js';

export function executeBlueGreen(inputs: BlueGreenInputs): Promise<void> {
  return executeDeploy(inputs, {
    run: runBlueGreen,
    outputs: (outcome) => ({
      'active-color': outcome.activeColor,
      'previous-color': outcome.previousColor,
      promoted: String(outcome.promoted),
      'rolled-back': String(outcome.rolledBack),
      deployment: outcome.deployment,
      image: outcome.image,
      revision: outcome.revision,
      'previous-revision': outcome.previousRevision,
      ...analysisOutputs(outcome),
    }),
    summary: renderSummary,
  });
}
