/**
 * trivy-gate's outputs, job summary and SARIF file are byte-identical to those recorded from the
 * bundle before its hot paths were reworked for speed (golden-cases.ts says what is covered).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_CASES, goldenDir } from './golden-cases.js';
import { runGoldenCase } from './golden-run.js';

const recorded = (name: string, file: string) => {
  const path = join(goldenDir, name, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
};

test('every case has its recording, and the recordings cover SARIF, the row cap and warnings', () => {
  for (const golden of GOLDEN_CASES) expect([golden.name, recorded(golden.name, 'step.json') !== undefined]).toEqual([golden.name, true]);
  expect(GOLDEN_CASES.filter((golden) => recorded(golden.name, 'results.sarif')).length).toBeGreaterThanOrEqual(16);
  expect(recorded('row-cap', 'summary.md')).toContain('…and 40 more blocking findings, not listed here');
  expect(recorded('plain-ignore-fail-on-error-false', 'summary.md')).toContain('### Warnings');
});

test.each(GOLDEN_CASES.map((golden) => [golden.name, golden]))('%s: the same outputs, summary and SARIF as recorded', async (name, golden) => {
  const now = await runGoldenCase(golden);
  expect(now.step).toBe(recorded(name, 'step.json'));
  expect(now.summary).toBe(recorded(name, 'summary.md'));
  expect(now.sarif).toBe(recorded(name, 'results.sarif'));
});
