/**
 * ci.yml's platform-strategy: qemu (one job, every platform) or native (a job per platform on its
 * own runner, pushed by digest, merged into one verified list by the image job).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../harness.js';

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  steps: Step[];
}

const ci = parse(readFileSync(join(repoRoot, '.github/workflows/ci.yml'), 'utf8')) as {
  on: { workflow_call: { inputs: Record<string, { default?: string }> } };
  jobs: Record<string, Job>;
};
const build = (job: Job) => job.steps.find((step) => step.uses?.startsWith('sunday/actions/build-multiarch@'))!;

test('inputs: platform-strategy qemu by default, runner labels for native', () => {
  const inputs = ci.on.workflow_call.inputs;
  expect(inputs['platform-strategy'].default).toBe('qemu');
  expect(inputs['amd64-runner'].default).toBe('ubuntu-24.04');
  expect(inputs['arm64-runner'].default).toBe('ubuntu-24.04-arm');
});

test.each([
  ['image-amd64', 'amd64', 'linux/amd64'],
  ['image-arm64', 'arm64', 'linux/arm64'],
])('%s: only with native, on its own runner, one platform, its digest handed on', (id, arch, platform) => {
  const job = ci.jobs[id];
  expect(job.if).toContain("inputs.platform-strategy == 'native'");
  expect(job['runs-on']).toBe(`\${{ inputs.${arch}-runner }}`);
  expect(build(job).with).toMatchObject({ platforms: platform, latest: 'false', 'tag-suffix': `-${platform.replace('/', '-')}` });
  expect(job.outputs?.digest).toBe('${{ steps.build.outputs.digest }}');
});

test('image: builds with qemu, merges the platform digests with native', () => {
  const job = ci.jobs.image;
  expect(job.needs).toEqual(['test', 'image-amd64', 'image-arm64']);
  expect(job.if).toContain("needs.image-amd64.result == 'success' && needs.image-arm64.result == 'success'");
  const step = build(job);
  expect(step.with?.mode).toBe("${{ inputs.platform-strategy == 'native' && 'merge' || 'build' }}");
  expect(step.with?.digests).toContain('${{ needs.image-amd64.outputs.digest }}');
  expect(step.with?.digests).toContain('${{ needs.image-arm64.outputs.digest }}');
});
