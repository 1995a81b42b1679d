/** blue-green-deploy's inputs: the shared deploy inputs (with the pre- and post-promotion analysis specs) and on-failure. */
import { readDeployInputs } from '../lib/deploy/inputs.js';
import { readChoice, type Env } from '../lib/inputs.js';
import type { BlueGreenInputs } from './deploy.js';

export async function readBlueGreenInputs(env: Env = process.env, cwd = process.cwd()): Promise<BlueGreenInputs> {
  const inputs = await readDeployInputs(env, cwd, ['pre-promotion-analysis', 'post-promotion-analysis']);
  return { ...inputs, onFailure: readChoice('on-failure', ['keep', 'delete'] as const, 'keep', env) };
}
