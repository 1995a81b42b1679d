/**
 * Before any test: every process of this run is marked (see leftovers.mjs), so the global teardown
 * can end what tests left; the run gets its own TMPDIR (see temp-folder.mjs); and a run folder for
 * the real Kubernetes tier, whose cluster the first test that needs it starts (test/cluster/shared.ts).
 */
import setupClusterRun from '../cluster/jest-setup.mjs';
import { MARKER } from './leftovers.mjs';
import { setup as makeTempFolder } from './temp-folder.mjs';

export default function globalSetup() {
  process.env[MARKER] = `${process.pid}-${Date.now()}`;
  makeTempFolder();
  setupClusterRun();
}
