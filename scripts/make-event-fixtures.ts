/**
 * Writes the webhook payloads the tests use into test/fixtures/events/, from the real payloads of
 * @octokit/webhooks-examples. That package has no semver tag push and its workflow_dispatch
 * payloads have `inputs: {}`, so those are derived from its real ones (changed fields listed in
 * each derived file's name and below). Run once; the files are committed.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const examples: Array<{ name: string; examples: Array<Record<string, any>> }> = require('@octokit/webhooks-examples/api.github.com/index.json'); // eslint-disable-line @typescript-eslint/no-explicit-any
const out = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'events');
mkdirSync(out, { recursive: true });

const of = (name: string) => examples.find((e) => e.name === name)!.examples;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const write = (file: string, payload: unknown) => writeFileSync(join(out, file), JSON.stringify(payload, null, 2) + '\n');

const branchPush = of('push').find((p) => p.ref === 'refs/heads/master')!;
write('push-branch.json', branchPush);
const main = clone(branchPush);
main.ref = 'refs/heads/main';
write('push-main.json', main);

// A semver tag push: the real tag push with its ref renamed (base_ref and commits as GitHub sends them for tags).
const tagPush = of('push').find((p) => p.ref === 'refs/tags/simple-tag')!;
for (const [file, tag] of [['push-tag-v1.2.3.json', 'v1.2.3'], ['push-tag-v1.2.3-rc.1.json', 'v1.2.3-rc.1']]) {
  const payload = clone(tagPush);
  payload.ref = `refs/tags/${tag}`;
  payload.compare = payload.compare.replace('simple-tag', tag);
  write(file, payload);
}

write('pull_request-opened.json', of('pull_request').find((p) => p.action === 'opened')!);
write('release-published.json', of('release').find((p) => p.action === 'published')!);

const dispatch = clone(of('workflow_dispatch').find((p) => p.ref === 'refs/heads/main')!);
dispatch.inputs = { environment: 'production', version: 'v1.2.3', mode: 'deploy', promotion: 'manual' };
write('workflow_dispatch-inputs.json', dispatch);
console.log(`wrote event fixtures to ${out}`);
