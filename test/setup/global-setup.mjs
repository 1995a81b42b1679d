/**
 * Before any test: every process of this run is marked (see leftovers.mjs), so the global teardown
 * can end what tests left; and the run gets its own TMPDIR (see temp-folder.mjs).
 */
import { MARKER } from './leftovers.mjs';
import { setup as makeTempFolder } from './temp-folder.mjs';

export default function globalSetup() {
  process.env[MARKER] = `${process.pid}-${Date.now()}`;
  makeTempFolder();
}
