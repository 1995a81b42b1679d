/** Nothing is left in /tmp: the run's own TMPDIR, and the fixtures that write credentials. */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startStage } from '../blue-green-deploy/fixture.js';

test('every temporary folder of this run lies under the run-wide TMPDIR that globalTeardown removes', () => {
  const dir = process.env.SUNDAY_TESTS_TMPDIR;
  expect(dir).toMatch(/sunday-tests-/);
  expect(tmpdir()).toBe(dir);
});

test('a stage leaves no kubeconfig (with its bearer token) behind when it stops', async () => {
  const stage = await startStage('emulator', { emulator: { token: 'stage-bearer-token-0123456789' } });
  expect(readFileSync(stage.kubeconfig, 'utf8')).toContain('stage-bearer-token-0123456789');
  await stage.stop();
  expect(existsSync(stage.kubeconfig)).toBe(false);
  expect(existsSync(stage.workspace)).toBe(false);
});
