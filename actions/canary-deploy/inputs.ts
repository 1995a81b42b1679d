/** canary-deploy's inputs: the shared deploy inputs (with the `analysis` spec), `steps` and `step-pause`. */
import { readDeployInputs, type DeployInputs } from '../lib/deploy/inputs.js';
import { InputError, readDuration, readString, type Env } from '../lib/inputs.js';

export interface CanaryInputs extends DeployInputs {
  /** Percentages of the replicas on the new release, strictly increasing, ending at 100. */
  steps: number[];
  stepPauseMs: number;
}

const STEPS_EXPECTED = "must be percentages from 1 to 100, strictly increasing and ending at 100, such as '10,50,100'";

export function parseSteps(value: string): number[] {
  const items = value.split(/[\s,]+/).filter(Boolean);
  if (items.length === 0 || items.length > 100 || !items.every((item) => /^\d{1,3}$/.test(item))) throw new InputError('steps', STEPS_EXPECTED);
  const steps = items.map(Number);
  if (steps.some((step, i) => step < 1 || step > 100 || (i > 0 && step <= steps[i - 1])) || steps.at(-1) !== 100) throw new InputError('steps', STEPS_EXPECTED);
  return steps;
}

export async function readCanaryInputs(env: Env = process.env, cwd = process.cwd()): Promise<CanaryInputs> {
  const inputs = await readDeployInputs(env, cwd, ['analysis']);
  return { ...inputs, steps: parseSteps(readString('steps', env) || '10,50,100'), stepPauseMs: readDuration('step-pause', 60_000, env) };
}
