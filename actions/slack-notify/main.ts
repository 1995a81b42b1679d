import { runMain } from '../lib/action.js';
import { readSlackInputs } from './inputs.js';

export async function run(): Promise<void> {
  await runMain(async () => {
    const inputs = await readSlackInputs();
    const { executeSlackNotify } = await import('./execute.js');
    await executeSlackNotify(inputs);
  });
}
