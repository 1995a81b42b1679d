/**
 * Records the golden step results of trivy-gate's committed bundle (see golden-cases.ts):
 *
 *   npm run build -- --only trivy-gate && npx tsx test/trivy-gate/record-golden.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_CASES, goldenDir } from './golden-cases.js';
import { runGoldenCase } from './golden-run.js';

rmSync(goldenDir, { recursive: true, force: true });
for (const golden of GOLDEN_CASES) {
  const files = await runGoldenCase(golden);
  const dir = join(goldenDir, golden.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'step.json'), files.step);
  writeFileSync(join(dir, 'summary.md'), files.summary);
  if (files.sarif !== undefined) writeFileSync(join(dir, 'results.sarif'), files.sarif);
  console.log(`${golden.name}: ${files.step.match(/"exitCode": (\S+),/)?.[1]} exit, ${files.summary.length} chars of summary${files.sarif ? `, ${files.sarif.length} chars of SARIF` : ''}`);
}
