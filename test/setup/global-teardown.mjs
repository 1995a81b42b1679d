/**
 * After the last test: stops the run's real cluster if a test started one (it removes its own data),
 * ends the processes tests left running, so that jest exits on its own once the results are in, then
 * removes the run's TMPDIR (nothing with a token stays in /tmp).
 */
import teardownClusterRun from '../cluster/jest-teardown.mjs';
import { endLeftovers, MARKER } from './leftovers.mjs';
import { teardown as removeTempFolder } from './temp-folder.mjs';

export default async function globalTeardown() {
  await teardownClusterRun();
  const ended = await endLeftovers(process.env[MARKER]);
  for (const p of ended) process.stderr.write(`global teardown: ended pid ${p.pid} left by a test: ${p.command.slice(0, 160)}\n`);
  removeTempFolder();
}
