import { runMain } from '../lib/action.js';
import { readCanaryInputs } from './inputs.js';

export async function run(): Promise<void> {
  await runMain(async () => {
    const inputs = await readCanaryInputs();
    const { executeCanary } = await import('./execute.js');
    await executeCanary(inputs);
  });
}
