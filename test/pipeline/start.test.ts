/** `npm start` — the CD pipeline end to end on local services — is itself a test. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { unexpected } from '../../cli/pipeline/main.js';
import { repoRoot } from '../harness.js';

test('npm start runs the whole pipeline, shows the automatic rollback of v3, and exits 0', async () => {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(process.execPath, [tsx, join(repoRoot, 'cli', 'pipeline', 'main.ts')], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(output).toContain('✓ blue-green-deploy v2 behind a gate — gated, switched: green serves sunday/backend:v2');
  expect(output).toContain('Error: 1 of 1 post-checks failed: health (status 500, expected 2xx) — traffic switched back to green');
  expect(output).toMatch(/✓ blue-green-deploy a broken v3 \(post-checks fail\)\s+[\d.]+ s\s+failed its post-checks and rolled back: green serves v2 again/);
  expect(output).toContain('✓ smoke-test: traffic is back on v2');
  expect(output).toContain('Every step did what it should');
  expect(output).toContain('✓ slack-notify: the same message says v3 was rolled back');
  // The one Slack message ends telling the truth: v3 failed and was rolled back, not ✅.
  expect(output).toMatch(/Slack: one message \(ts [\d.]+\), now: ❌ Deploy of backend to production\n/);
  expect(output.match(/^\s+\/.*\/summaries\/\d+-[a-z0-9-]+\.md$/gm)).toHaveLength(10);
  expect(code).toBe(0);
}, 60_000);

test('a step that does something other than expected is caught', () => {
  const step = { expect: { exitCode: 1, outputs: { 'rolled-back': 'true' } } };
  expect(unexpected(step, { exitCode: 1, errors: [], outputs: { 'rolled-back': 'true' } })).toBeUndefined();
  expect(unexpected(step, { exitCode: 0, errors: [], outputs: {} })).toBe('exit 0, expected 1');
  expect(unexpected(step, { exitCode: 1, errors: [], outputs: { 'rolled-back': 'false' } })).toBe('rolled-back=false, expected true');
});
