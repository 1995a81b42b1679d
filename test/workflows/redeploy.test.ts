/** cd.yml redeploys an existing release when started by hand, and still judges a pushed tag as new. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../harness.js';

interface Step {
  uses?: string;
  with?: Record<string, string>;
}

test('cd.yml: validate-release allows an existing release except on a tag push', () => {
  const workflow = parse(readFileSync(join(repoRoot, '.github/workflows/cd.yml'), 'utf8')) as { jobs: Record<string, { steps?: Step[] }> };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
  const validate = steps.filter((step) => step.uses?.startsWith('sunday/actions/validate-release@'));
  expect(validate).toHaveLength(1);
  expect(validate[0].with?.['allow-existing']).toBe("${{ github.event_name != 'push' }}");
});

test('validate-release declares allow-existing and its existing output', () => {
  const action = parse(readFileSync(join(repoRoot, 'validate-release/action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown> };
  expect(action.inputs['allow-existing'].default).toBe('false');
  expect(action.outputs.existing).toBeDefined();
});
