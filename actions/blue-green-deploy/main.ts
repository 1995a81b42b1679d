import { runMain } from '../lib/action.js';
import { readBlueGreenInputs } from './inputs.js';

export async function run(): Promise<void> {
  await runMain(async () => {
    const inputs = await readBlueGreenInputs();
    const { executeBlueGreen } = await import('./execute.js');
    await executeBlueGreen(inputs);
  });
}
