/**
 * jest globalTeardown: SIGTERM to the run's real cluster, if a test started one (it stops every
 * process it started and removes its data folder), then the run folder goes.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export default async function teardown() {
  const dir = process.env.SUNDAY_CLUSTER_RUN_DIR;
  if (!dir) return;
  const stateFile = join(dir, 'state.json');
  if (existsSync(stateFile)) {
    const { pid } = JSON.parse(readFileSync(stateFile, 'utf8'));
    try {
      process.kill(pid, 'SIGTERM');
      // Its processes end within seconds; /proc/<pid> is gone once it has.
      const deadline = Date.now() + 20_000;
      while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
