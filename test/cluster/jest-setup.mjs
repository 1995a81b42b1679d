/**
 * jest globalSetup: a run folder for test/cluster/shared.ts, named in SUNDAY_CLUSTER_RUN_DIR (the
 * workers inherit it). The real cluster starts only when a test asks for it. Plain JavaScript:
 * jest loads global hooks without the test transform's module mapping.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  process.env.SUNDAY_CLUSTER_RUN_DIR = mkdtempSync(join(tmpdir(), 'sunday-cluster-run-'));
}
