/**
 * Runs before each test file: the tools that `npm test`'s pretest installed into the user's tool
 * cache (kubectl 1.32 where the machine has none, Go-built tools) come first on PATH, so tests and
 * the programs they start find them by name.
 */
import { pathWithTools } from '../../scripts/system-deps/paths.ts';

process.env.PATH = pathWithTools();
