/** Marks every process of this run (see leftovers.mjs), so the global teardown can end what tests left. */
import { MARKER } from './leftovers.mjs';

export default function globalSetup() {
  process.env[MARKER] = `${process.pid}-${Date.now()}`;
}
