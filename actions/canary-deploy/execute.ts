/** canary-deploy after validation: the shared deploy frame with the canary strategy. */
import { analysisOutputs, executeDeploy } from '../lib/deploy/execute.js';
import { runCanary } from './canary.js';
import type { CanaryInputs } from './inputs.js';
import { renderSummary } from './report.js';

export function executeCanary(inputs: CanaryInputs): Promise<void> {
  return executeDeploy(inputs, {
    run: runCanary,
    outputs: (outcome) => ({
      result: outcome.result,
      weight: String(outcome.weight),
      revision: outcome.revision,
      'previous-revision': outcome.previousRevision,
      'active-color': outcome.activeColor,
      'previous-image': outcome.previousImage,
      promoted: String(outcome.promoted),
      'rolled-back': String(outcome.rolledBack),
      ...analysisOutputs(outcome),
    }),
    summary: renderSummary,
  });
}
