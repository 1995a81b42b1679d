import { runMain } from '../lib/action.js';
import { readSmokeInputs } from './inputs.js';

export async function run(): Promise<void> {
  await runMain(async () => {
    const inputs = await readSmokeInputs();
    const { executeSmokeTest } = await import('./execute.js');
    await executeSmokeTest(inputs);
  });
}
