/** The runner end to end, on a fixture action that reports what it received. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runAction } from '../../runner/index.js';
import { loadEvent, repoRoot } from '../harness.js';

const actionDir = join(repoRoot, 'test', 'fixtures', 'actions', 'echo');

describe('runAction', () => {
  test('sets inputs with defaults, the GITHUB_* files and context, and reads them all back', async () => {
    const previous = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = '/etc/ssl/machine-only.pem';
    const r = await runAction({
      actionDir,
      inputs: { 'my input': 'spaced', multi: 'line 1\nline 2' },
      githubToken: 'ghs_fixture_token_123',
      event: loadEvent('push-tag-v1.2.3'),
      env: { EXTRA: '1' },
    }).finally(() => (previous === undefined ? delete process.env.NODE_EXTRA_CA_CERTS : (process.env.NODE_EXTRA_CA_CERTS = previous)));
    expect(r.exitCode).toBe(0);
    const env = JSON.parse(r.outputs.env);
    expect(env).toMatchObject({
      INPUT_GREETING: 'hello',
      INPUT_TOKEN: 'ghs_fixture_token_123',
      INPUT_MY_INPUT: 'spaced',
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_REF_NAME: 'v1.2.3',
      GITHUB_REF_TYPE: 'tag',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REPOSITORY: 'Codertocat/Hello-World',
      GITHUB_ACTIONS: 'true',
      EXTRA: '1',
      event_ref: 'refs/tags/v1.2.3',
    });
    expect(env.GITHUB_SHA).toMatch(/^[0-9a-f]{40}$/);
    expect(env.cwd).toBe(r.workspace);
    for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_PATH', 'RUNNER_TEMP', 'GITHUB_WORKSPACE', 'GITHUB_EVENT_PATH']) {
      expect(env[name]).toBeTruthy();
    }
    expect(env.NODE_EXTRA_CA_CERTS).toBeUndefined();
    expect(r.outputs.multi).toBe('line 1\nline 2');
    expect(r.outputs.simple).toBe('a=b');
    expect(r.exportedEnv).toEqual({ EXPORTED: 'yes' });
    expect(r.state).toEqual({ lock: 'held' });
    expect(r.addedPath).toEqual(['/opt/tool/bin']);
    expect(r.summary).toBe('### summary\n');
    expect(r.log).toContain('token is ***');
    expect(r.log).not.toContain('ghs_fixture_token_123');
    expect(r.annotations).toEqual([{ level: 'warning', message: 'careful\nnow', properties: { title: 'Heads up' } }]);
  });

  test('leaves no folder behind: the step folder it made (RUNNER_TEMP, workspace) is removed; kept only when asked', async () => {
    const removed = await runAction({ actionDir, githubToken: 'ghs_unused_token' });
    expect(removed.exitCode).toBe(0);
    expect(removed.dir).toMatch(/sunday-step-/);
    expect(existsSync(removed.dir)).toBe(false);
    const failed = await runAction({ actionDir, inputs: { greeting: 'fail' }, githubToken: 'ghs_unused_token' });
    expect(existsSync(failed.dir)).toBe(false);
    const kept = await runAction({ actionDir, githubToken: 'ghs_unused_token', keepFiles: true });
    expect(existsSync(join(kept.dir, 'step_summary.md'))).toBe(true);
    rmSync(kept.dir, { recursive: true, force: true });
  });

  test('returns the exit code and error lines of a failing step', async () => {
    const r = await runAction({ actionDir, inputs: { greeting: 'fail' }, githubToken: 'ghs_unused_token' });
    expect(r.exitCode).toBe(3);
    expect(r.errors).toEqual(['asked to fail']);
  });

  test('without an event, the step gets a workflow_dispatch payload of its context', async () => {
    const r = await runAction({ actionDir, githubToken: 'ghs_unused_token', context: { repository: 'sunday/backend', ref: 'refs/heads/develop' } });
    const env = JSON.parse(r.outputs.env);
    expect(env).toMatchObject({ GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REF: 'refs/heads/develop', GITHUB_REPOSITORY: 'sunday/backend', event_ref: 'refs/heads/develop' });
  });

  test('a ${{ github.token }} default needs a token from the caller', async () => {
    await expect(runAction({ actionDir })).rejects.toThrow("The default of input 'token' is ${{ github.token }}; give the runner a githubToken");
  });

  test('pull_request context: merge ref, head and base refs', async () => {
    const r = await runAction({ actionDir, githubToken: 't', event: loadEvent('pull_request-opened') });
    const env = JSON.parse(r.outputs.env);
    expect(env).toMatchObject({ GITHUB_REF: 'refs/pull/2/merge', GITHUB_HEAD_REF: 'changes', GITHUB_BASE_REF: 'master', GITHUB_EVENT_NAME: 'pull_request' });
  });

  test('kills a step that runs past its timeout', async () => {
    const started = Date.now();
    const r = await runAction({ actionDir, githubToken: 't', timeoutMs: 300, inputs: { greeting: 'hang' } });
    expect([r.timedOut, r.signal, r.exitCode]).toEqual([true, 'SIGKILL', null]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
