/**
 * The repository's git tags, for `latest: auto` on a release build: read from the checkout
 * (ci.yml fetches every tag). undefined when the workspace is no git repository or git is missing;
 * then moving tags are given unchecked, as before this rule existed, and the log says so.
 */
import { execFile } from 'node:child_process';

export function readGitTags(cwd: string, timeoutMs = 20_000): Promise<string[] | undefined> {
  return new Promise((done) => {
    execFile('git', ['tag', '--list'], { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout) => {
      done(error ? undefined : stdout.split('\n').map((line) => line.trim()).filter(Boolean));
    });
  });
}
